/**
 * Several real nodes in one test: each a full server on its own port, sharing one
 * Redis key prefix and one SQLite file (WAL lets two connections share it), plus a
 * TCP proxy in front of Redis that a test can cut to simulate an outage.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Socket as NetSocket, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import { onCleanup } from './cleanup.js';
import { startTestServer, type TestServer } from './server.js';
import { REDIS_URL, redisTestPrefix } from './services.js';

export interface TestCluster {
  prefix: string;
  /** A command client on the test's prefix (keys are deleted after the test). */
  redis: ReturnType<typeof redisTestPrefix>['client'];
  /** Starts one more node on the shared prefix and database. */
  node(config?: SwitchboardConfigInput): Promise<TestServer>;
}

/** A cluster context for one test: nodes share the Redis prefix and a SQLite file. */
export function testCluster(): TestCluster {
  const { prefix, client } = redisTestPrefix();
  const dbPath = join(tmpdir(), `switchboard-cluster-${randomBytes(5).toString('hex')}.db`);
  onCleanup(() => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  });
  return {
    prefix,
    redis: client,
    node(config = {}) {
      return startTestServer({
        config: {
          ...config,
          database: { url: `sqlite:${dbPath}` },
          redis: { url: REDIS_URL, keyPrefix: prefix, ...config.redis },
        },
      });
    },
  };
}

/** A TCP proxy to Redis: `url` to connect through it, `cut()` to drop it and refuse new connections. */
export async function redisProxy(): Promise<{ url: string; cut(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const open = new Set<NetSocket>();
  const server = createServer((client) => {
    const upstream = netConnect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => open.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  let closed: Promise<void> | undefined;
  const cut = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of open) s.destroy();
    });
    return closed;
  };
  onCleanup(cut);
  return { url: `redis://127.0.0.1:${port}`, cut };
}

export { waitUntil } from './wait.js';
