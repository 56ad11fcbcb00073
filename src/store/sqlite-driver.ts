/**
 * A Kysely driver for better-sqlite3 without the promise convoy (issue 10).
 *
 * Kysely's own SQLite driver serialises every query behind one promise mutex whose
 * waiters all wake on each release: with 1,000 concurrent senders each statement
 * queued behind every other and the wake-ups alone grew with the square of the
 * queue. better-sqlite3 is synchronous, so a statement outside a transaction is
 * atomic by itself and needs no lock at all. Here:
 *
 * - a statement outside a transaction runs at once (no waiting) when no transaction
 *   is open; reads go to a read-only second connection when the database is a file
 *   (WAL lets it read the last commit while a write transaction is open), so reads
 *   never wait behind writes;
 * - a transaction takes the write gate, a FIFO lock that wakes exactly one waiter
 *   per release; writes (and, on `:memory:`, reads) arriving while a transaction
 *   holds it wait their turn, because on the one write connection they would
 *   otherwise run inside that transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** The subset of better-sqlite3 the driver uses (statements come from a cache). */
export interface StatementSource {
  prepare(sql: string): BetterSqlite3.Statement;
}

/** A FIFO lock: `acquire()` resolves in arrival order, one waiter woken per release. */
export class WriteGate {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  get busy(): boolean {
    return this.held;
  }

  /** Resolves once the caller holds the gate. */
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // Handing over without clearing `held` keeps a newcomer from jumping the queue.
    if (next) next();
    else this.held = false;
  }
}

function run(source: StatementSource, query: CompiledQuery): QueryResult<unknown> {
  const statement = source.prepare(query.sql);
  const parameters = query.parameters as unknown[];
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** One Kysely "connection": a lease on the shared write connection, gated only inside transactions. */
class Lease implements DatabaseConnection {
  inTransaction = false;

  constructor(private readonly driver: GatedSqliteDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { writer, reader, gate } = this.driver;
    if (this.inTransaction) return run(writer, query) as QueryResult<R>;
    if (reader && SelectQueryNode.is(query.query)) return run(reader, query) as QueryResult<R>;
    if (!gate.busy) return run(writer, query) as QueryResult<R>;
    await gate.acquire();
    try {
      return run(writer, query) as QueryResult<R>;
    } finally {
      gate.release();
    }
  }

  // biome-ignore lint/correctness/useYield: Switchboard never streams; the interface requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this driver');
  }
}

export interface GatedSqliteOptions {
  writer: StatementSource;
  /** A read-only connection to the same file; absent for `:memory:`. */
  reader?: StatementSource;
  /** Closes every connection. */
  close(): void;
}

class GatedSqliteDriver implements Driver {
  readonly gate = new WriteGate();
  readonly writer: StatementSource;
  readonly reader?: StatementSource;

  constructor(private readonly options: GatedSqliteOptions) {
    this.writer = options.writer;
    this.reader = options.reader;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    await this.gate.acquire();
    lease.inTransaction = true;
    try {
      this.writer.prepare('begin').run();
    } catch (err) {
      lease.inTransaction = false;
      this.gate.release();
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit leaves the transaction open: Kysely then calls rollback, which releases.
    this.writer.prepare('commit').run();
    this.finish(connection as Lease);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.inTransaction) return;
    try {
      this.writer.prepare('rollback').run();
    } catch {
      // SQLite already rolled back by itself (some errors end the transaction).
    } finally {
      this.finish(lease);
    }
  }

  private finish(lease: Lease): void {
    lease.inTransaction = false;
    this.gate.release();
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.options.close();
  }
}

/** The SQLite dialect with the gated driver; compiler, adapter and introspector are Kysely's own. */
export class GatedSqliteDialect implements Dialect {
  constructor(private readonly options: GatedSqliteOptions) {}

  createDriver(): Driver {
    return new GatedSqliteDriver(this.options);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: the introspector works on any schema
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
