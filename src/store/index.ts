export { type CreateStoreOptions, createStore } from './create-store.js';
export type { Database } from './database.js';
export type { Migrations } from './migrator.js';
export type { Store, StoreDialect } from './store.js';
