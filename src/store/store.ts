/**
 * The store: one Kysely query builder over SQLite (embedded default) or PostgreSQL,
 * behind this small interface (STYLE.md #5). Feature folders keep their own queries
 * and run them through `store.db`; the same queries and migrations serve both engines.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Migrations } from './migrator.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: StoreDialect;
  /** The typed query builder. */
  readonly db: Kysely<Database>;
  /** Applies the pending ones of `migrations` (every feature's, composed by the core); returns the names applied. */
  migrate(migrations: Migrations): Promise<string[]>;
  /** Throws when the store cannot answer (used by /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
