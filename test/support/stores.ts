/**
 * Runs one suite against every store engine: SQLite in memory, and PostgreSQL in a
 * schema of its own (skipped loudly when PostgreSQL is absent; mandatory in CI).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { migrationsFor } from '../../src/features.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { createPgTestStore, postgresUnavailable } from './services.js';

const pgMissing = await postgresUnavailable();

interface Engine {
  name: string;
  skip: boolean;
  open(): Promise<{ store: Store; close: () => Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const store = createStore('sqlite::memory:');
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgMissing !== undefined,
    async open() {
      const { store, drop } = await createPgTestStore();
      return { store, close: drop };
    },
  },
];

/** The migrated store of the running suite (set before its first test). */
export interface StoreHandle {
  store: Store;
}

export function describeEachStore(title: string, body: (handle: StoreHandle) => void): void {
  for (const engine of ENGINES) {
    describe.skipIf(engine.skip)(`${title} on ${engine.name}`, () => {
      const handle = {} as StoreHandle;
      let close: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        const opened = await engine.open();
        close = opened.close;
        handle.store = opened.store;
        await handle.store.migrate(migrationsFor());
      });
      afterAll(async () => {
        await close?.();
      });
      body(handle);
    });
  }
}
