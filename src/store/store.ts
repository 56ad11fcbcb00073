/**
 * The store: one Kysely query builder over SQLite (embedded default) or PostgreSQL,
 * behind this small interface (STYLE.md #5). Feature folders keep their own queries
 * and run them through `store.db`; the same queries and migrations serve both engines.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: StoreDialect;
  /** The typed query builder. */
  readonly db: Kysely<Database>;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Throws when the store cannot answer (used by /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
