/**
 * Gates for tests that need a real service. Locally a missing service skips its
 * tests with a loud reason; in CI (CI=true) it fails them, because .ci/run starts
 * every service the suite needs.
 */
import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { onCleanup } from './cleanup.js';

export const PG_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KAFKA_BROKERS = (process.env.SWITCHBOARD_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
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

/** undefined when Redis answers PING, else why not; throws in CI. */
export async function redisUnavailable(): Promise<string | undefined> {
  const reason = await reachable(async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
  if (reason && IN_CI) throw new Error(`Redis is required in CI but unreachable at ${REDIS_URL}: ${reason}`);
  if (reason)
    console.warn(`\n!!! SKIPPING Redis tests: ${REDIS_URL} unreachable (${reason}). Start Redis or set SWITCHBOARD_TEST_REDIS_URL.\n`);
  return reason;
}

/**
 * A random key prefix for one test and a command client; after the test, every key
 * under the prefix is deleted and the client closed.
 */
export function redisTestPrefix(): { prefix: string; client: Redis } {
  const prefix = `sbtest:${randomBytes(5).toString('hex')}:`;
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  onCleanup(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await client.quit();
  });
  return { prefix, client };
}

/** undefined when the Kafka broker answers a metadata request, else why not; throws in CI. */
export async function kafkaUnavailable(): Promise<string | undefined> {
  const reason = await reachable(async () => {
    const admin = new Admin({ clientId: 'sbtest-probe', bootstrapBrokers: KAFKA_BROKERS, connectTimeout: 2000, retries: 0 });
    try {
      await admin.listTopics();
    } finally {
      await admin.close();
    }
  });
  if (reason && IN_CI) throw new Error(`Kafka is required in CI but unreachable at ${KAFKA_BROKERS.join(',')}: ${reason}`);
  if (reason)
    console.warn(
      `\n!!! SKIPPING Kafka tests: ${KAFKA_BROKERS.join(',')} unreachable (${reason}). Run \`bash scripts/kafka.sh start\` or set SWITCHBOARD_TEST_KAFKA_BROKERS.\n`,
    );
  return reason;
}
