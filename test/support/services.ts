/**
 * Gates for tests that need a real service. Locally a missing service skips its
 * tests with a loud reason; in CI (CI=true) it fails them, because .ci/run starts
 * every service the suite needs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';

export const PG_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

async function reachable(check: () => Promise<void>): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** undefined when PostgreSQL answers, else why not; throws in CI. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const reason = await reachable(async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  });
  if (reason && IN_CI) throw new Error(`PostgreSQL is required in CI but unreachable at ${PG_URL}: ${reason}`);
  if (reason)
    console.warn(`\n!!! SKIPPING PostgreSQL tests: ${PG_URL} unreachable (${reason}). Start PostgreSQL or set SWITCHBOARD_TEST_PG_URL.\n`);
  return reason;
}

/** A PostgreSQL store in a schema of its own, dropped by the returned cleanup. */
export async function createPgTestStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  const schema = `sb_test_${randomBytes(5).toString('hex')}`;
  const store = createStore(PG_URL, { schema });
  return {
    store,
    async drop() {
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
