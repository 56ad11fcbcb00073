/** SQLite through better-sqlite3: the embedded default, one file, WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, sql } from 'kysely';
import type { Database } from './database.js';
import { runMigrations } from './migrator.js';
import type { Store } from './store.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  filename: string;
}

/**
 * better-sqlite3 with a bounded LRU of prepared statements. Kysely's SQLite driver calls
 * `prepare()` for every query, and compiling the same SQL again and again was a tenth of
 * the server's CPU in the chat benchmark. Kysely only runs statements with `all()` /
 * `run()` (Switchboard never streams), so one cached statement is never used twice at
 * once; SQLite re-prepares a cached statement by itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database, max = 512): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        // Move to the young end of the LRU.
        cache.delete(sql);
        cache.set(sql, statement);
        return statement;
      }
      statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });

  const store = {
    dialect: 'sqlite' as const,
    db,
    migrate: (migrations) => runMigrations(db, migrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  } satisfies Store;
  return store;
}
