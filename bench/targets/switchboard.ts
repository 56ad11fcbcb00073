/**
 * Switchboard as users run it: startServer() in production mode with an embedded
 * SQLite store in a temporary folder (or PostgreSQL, for the `postgres` rows), a JWT
 * secret, an API key for the app-backend rows, and silent logs. The channels,
 * chat and notifications features are detected at run time, so the harness works
 * on builds that do not have them yet (their scenarios are then skipped).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/features.js';
import { startServer } from '../../src/server.js';
import { createStore } from '../../src/store/create-store.js';
import { BENCH_API_KEY, BENCH_PG_URL, BENCH_SECRET, type BenchTarget, type TargetOptions } from './target.js';

/** The optional parts of the programmatic API, by their contract (issue 6 brief). */
interface OptionalApi {
  publish?: (channel: string, event: string, data: unknown) => Promise<{ offset: number | null }>;
  notify?: (
    input: { type: 'info'; title: string; message: string; data?: Record<string, unknown> } & ({ userId: string } | { userIds: string[] }),
  ) => Promise<unknown>;
  broadcast?: (input: { title: string; message: string }) => Promise<unknown>;
}

const UNLIMITED = { points: 1_000_000_000, perSeconds: 1 };

export async function createSwitchboardTarget(options: TargetOptions): Promise<BenchTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  // PostgreSQL rows: a schema of their own, dropped at stop (SQLite rows: a file in `dir`).
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const store = options.store === 'postgres' ? createStore(BENCH_PG_URL, { schema, poolSize: 10 }) : undefined;
  const config = loadConfig({
    env: {},
    overrides: {
      env: 'production',
      port: 0,
      host: '127.0.0.1',
      name: 'Switchboard bench',
      auth: { jwtSecret: BENCH_SECRET },
      apiKeys: [BENCH_API_KEY],
      // Load clients are not browsers and send no Origin; production needs a list.
      cors: { origins: ['http://127.0.0.1'] },
      database: { url: `sqlite:${join(dir, 'bench.db')}` },
      log: { level: 'silent' },
      channels: { bench: { policy: 'public' }, benchhist: { policy: 'public', history: { size: 1000 } } },
      // Load clients send far faster than people (the default is 10 events/s per
      // user); the limiter still runs for every event, as in production.
      rateLimits: { default: UNLIMITED, 'message:send': UNLIMITED },
      // Every load client connects from 127.0.0.1, many thousands at once: lift the per-IP limits.
      limits: {
        maxConnectionsPerIp: 1_000_000,
        handshakesPerIpPerSecond: 1_000_000,
        handshakeBurst: 1_000_000,
        sessionsPerIpPerMinute: 1_000_000,
      },
      socket: {
        compression: { enabled: options.compression ?? false, threshold: 0 },
        ...(options.recovery === undefined ? {} : { recoveryWindowMs: options.recovery ? 120_000 : 0 }),
      },
    },
  });
  const running = await startServer({ config, store });
  const sb = running.switchboard;
  const api = sb as unknown as OptionalApi;
  const publish = api.publish;
  const notify = api.notify;
  const broadcast = api.broadcast;

  return {
    url: running.url,
    features: {
      publish: typeof publish === 'function',
      chat: sb.context.events.events.includes('message:send'),
      notify: typeof notify === 'function',
    },
    publish: (channel, event, data) => publish?.(channel, event, data),
    broadcast: (title, message) => broadcast?.({ title, message }),
    notify: (userId, title, message, data) => notify?.({ userId, type: 'info', title, message, data }),
    notifyMany: async (userIds, title, message, data) => notify?.({ userIds, type: 'info', title, message, data }),
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
      if (store) {
        await store.close();
        const client = new pg.Client({ connectionString: BENCH_PG_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  };
}
