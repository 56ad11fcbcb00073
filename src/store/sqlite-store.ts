/** SQLite through better-sqlite3: the embedded default, one file, WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './database.js';
import { runMigrations } from './migrator.js';
import type { Store } from './store.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  filename: string;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
  const sqlite = new SqliteDatabase(options.filename);
  // WAL lets readers run beside the writer; NORMAL sync is durable across process
  // crashes (only an OS crash can lose the last transactions), the usual WAL trade-off.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });

  const store = {
    dialect: 'sqlite' as const,
    db,
    migrate: () => runMigrations(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  } satisfies Store;
  return store;
}
