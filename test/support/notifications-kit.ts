/** Helpers for the notifications tests: waits, temp SQLite files, shared PostgreSQL schemas. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { onCleanup } from './cleanup.js';
import type { TestServer } from './server.js';
import { PG_URL } from './services.js';

export { waitFor } from './wait.js';

/** POST /api/notify with the test API key. */
export function notifyVia(server: TestServer, body: unknown) {
  return server.request('POST', '/api/notify', { apiKey: true, body });
}

/** GET /api/notifications as `userId`. */
export async function listFor(server: TestServer, userId: string, query = '') {
  return server.request('GET', `/api/notifications${query}`, { token: await server.token(userId) });
}

/** A `sqlite:` URL of a fresh temp file, removed (with its WAL files) after the test. */
export function tempSqliteUrl(): string {
  const file = join(tmpdir(), `sb-notifications-${randomBytes(6).toString('hex')}.db`);
  onCleanup(() => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  });
  return `sqlite:${file}`;
}

/** `count` PostgreSQL stores (separate pools) on one fresh schema, all closed and the schema dropped after the test. */
export function sharedPgStores(count: number): Store[] {
  const schema = `sb_test_${randomBytes(5).toString('hex')}`;
  const stores = Array.from({ length: count }, () => createStore(PG_URL, { schema }));
  onCleanup(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
  return stores;
}
