/**
 * A database that cannot be reached is UNAVAILABLE (503), not INTERNAL: the store's
 * driver is wrapped so that connection-level failures (refused, reset, terminated,
 * the server shutting down, too many clients) reach callers as
 * `SwitchboardError('UNAVAILABLE')` with the driver's error as `cause`. Errors of a
 * query itself (a constraint, a syntax error) pass through unchanged. The pool
 * reconnects by itself once the database is back.
 */
import type { DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';
import { SwitchboardError } from '../core/errors.js';

// Node's socket errors and PostgreSQL's connection-exception (08), operator
// intervention (57P01–57P03) and too-many-connections (53300) SQLSTATEs.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// pg's own messages for a lost or unobtainable connection (they carry no code).
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i, /Connection closed/i];

/** Whether an error means the database could not be reached (rather than that a query was wrong). */
export function isConnectionError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message));
}

async function classify<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isConnectionError(err)) throw new SwitchboardError('UNAVAILABLE', 'The database is unavailable', { cause: err });
    throw err;
  }
}

class UnavailableAwareDriver implements Driver {
  // The driver's own connection behind each wrapper: release needs the original.
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(private readonly driver: Driver) {}

  private original(connection: DatabaseConnection): DatabaseConnection {
    return this.inner.get(connection) ?? connection;
  }

  init(): Promise<void> {
    return classify(() => this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await classify(() => this.driver.acquireConnection());
    const wrapped: DatabaseConnection = {
      executeQuery: (query) => classify(() => connection.executeQuery(query)),
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
    this.inner.set(wrapped, connection);
    return wrapped;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return classify(() => this.driver.beginTransaction(this.original(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return classify(() => this.driver.commitTransaction(this.original(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return classify(() => this.driver.rollbackTransaction(this.original(connection)));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.original(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** The dialect with its driver's connection failures turned into UNAVAILABLE. */
export function withUnavailableErrors(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new UnavailableAwareDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
