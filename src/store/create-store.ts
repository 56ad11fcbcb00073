import { resolve } from 'node:path';
import { createPostgresStore } from './postgres-store.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface CreateStoreOptions {
  /** PostgreSQL schema (tests isolate themselves with one each). */
  schema?: string;
  /** PostgreSQL pool size (config `database.poolSize`). @default 10 */
  poolSize?: number;
}

/**
 * Opens the store named by a URL: `sqlite:./data/switchboard.db`, `sqlite::memory:`,
 * or `postgres://user@host/db`.
 */
export function createStore(url: string, options: CreateStoreOptions = {}): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return createSqliteStore({ filename: path === ':memory:' ? ':memory:' : resolve(path) });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return createPostgresStore({ connectionString: url, schema: options.schema, poolSize: options.poolSize });
  }
  throw new Error(`database.url: unsupported store URL "${url}" (use sqlite:PATH or postgres://…)`);
}
