/** SQLite through better-sqlite3: the embedded default, one file, WAL mode. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { runMigrations } from './migrator.js';
import { type Checkpointer, SAFETY_NET_PAGES, startCheckpointer } from './sqlite-checkpointer.js';
import { GatedSqliteDialect, type StatementSource } from './sqlite-driver.js';
import type { Store } from './store.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. */
  filename: string;
}

/**
 * better-sqlite3 with a bounded LRU of prepared statements. The driver asks for a
 * statement on every query, and compiling the same SQL again and again was a tenth of
 * the server's CPU in the chat benchmark. Statements only run with `all()` / `run()`
 * (Switchboard never streams), so one cached statement is never used twice at once;
 * SQLite re-prepares a cached statement by itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database, max = 512): StatementSource {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
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

function open(filename: string): SqliteDatabase.Database {
  const sqlite = new SqliteDatabase(filename);
  // WAL lets readers run beside the writer; NORMAL sync is durable across process
  // crashes (only an OS crash can lose the last transactions), the usual WAL trade-off.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const memory = options.filename === ':memory:';
  if (!memory) mkdirSync(dirname(options.filename), { recursive: true });
  const writer = open(options.filename);
  // A second connection for reads outside transactions (issue 10): in WAL mode it
  // reads the last commit while the writer holds a transaction open, so handshakes
  // and history never wait behind a batch. An in-memory database is private to its
  // connection, so there the writer serves reads too.
  let reader: SqliteDatabase.Database | undefined;
  let checkpointer: Checkpointer | undefined;
  if (!memory) {
    reader = open(options.filename);
    reader.pragma('query_only = ON');
    writer.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    checkpointer = startCheckpointer(options.filename);
  }
  const db = new Kysely<Database>({
    dialect: new GatedSqliteDialect({
      writer: withStatementCache(writer),
      reader: reader && withStatementCache(reader),
      close() {
        reader?.close();
        writer.close();
      },
    }),
  });

  const store = {
    dialect: 'sqlite' as const,
    db,
    migrate: (migrations) => runMigrations(db, migrations),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  } satisfies Store;
  return store;
}
