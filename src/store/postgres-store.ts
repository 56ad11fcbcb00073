/** PostgreSQL through pg: the store for production and for several nodes. */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { runMigrations } from './migrator.js';
import type { Store } from './store.js';
import { withUnavailableErrors } from './unavailable.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema to use (created if missing); @default 'public' */
  schema?: string;
  /** @default 10 */
  poolSize?: number;
}

// bigint (int8) columns hold epoch milliseconds and offsets, all far below 2^53:
// parse them as numbers for this pool only, not process-wide.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads are not expressible here
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

export function createPostgresStore(options: PostgresStoreOptions): Store {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    // A database that does not answer fails the call (UNAVAILABLE) rather than hanging it.
    connectionTimeoutMillis: 5000,
    types,
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
  });
  // An idle client that loses its server emits 'error' on the pool; without a
  // listener that would crash the process. /ready reports the outage instead.
  pool.on('error', () => {});
  // A client in use (a query in flight) whose server goes away emits 'error' too, and
  // pg-pool only listens on idle ones: without this, a database restart under load
  // would crash the process. The query itself fails (UNAVAILABLE) and the pool
  // discards the client.
  pool.on('connect', (client) => client.on('error', () => {}));
  // Connection failures reach callers as UNAVAILABLE (503), not INTERNAL.
  const db = new Kysely<Database>({ dialect: withUnavailableErrors(new PostgresDialect({ pool })) });

  const store = {
    dialect: 'postgres' as const,
    db,
    async migrate(migrations) {
      if (schema !== 'public') await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      return runMigrations(db, migrations, schema);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  } satisfies Store;
  return store;
}
