/**
 * Measures one notify call to 10,000 users on one node with the embedded SQLite
 * store (a file in a temp dir), as issue 4's closing note asks.
 *
 *   npx tsx scripts/measure-notify.ts [--users 10000] [--connected 300]
 *
 * The connected clients run in a child process, so their work does not count as
 * the server's event-loop lag. Reported: time until the API acknowledged (every
 * notification stored), time until every connected client had its notification,
 * notifications/s, the server's event-loop delay during the call, and the worst
 * latency of GET /health polled meanwhile (does the server keep serving?).
 * Everything listens on 127.0.0.1 and stops when done.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { signToken } from '../src/auth/sign-token.js';
import { startTestServer, TEST_API_KEY, TEST_SECRET } from '../test/support/server.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child process: connects the clients, reports when each has received one notification. */
async function runClients(url: string, userIds: string[]): Promise<void> {
  const send = (m: unknown) => process.send?.(m);
  let pending = userIds.length;
  let last = 0;
  const sockets = await Promise.all(
    userIds.map(async (sub) => {
      const token = await signToken({ secret: TEST_SECRET, sub });
      const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('connected', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.once('notification', () => {
        last = Date.now();
        if (--pending === 0) send({ type: 'all-received', at: last });
      });
      return socket;
    }),
  );
  send({ type: 'ready' });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'exit') {
      for (const s of sockets) s.disconnect();
      process.exit(0);
    }
  });
}

async function main(): Promise<void> {
  const users = arg('users', 10_000);
  const connectedCount = arg('connected', 300);
  const dir = mkdtempSync(join(tmpdir(), 'sb-measure-'));
  // The test-server factory: 127.0.0.1, an ephemeral port, silent logs; here on an SQLite file.
  const server = await startTestServer({
    manualStop: true,
    config: { database: { url: `sqlite:${join(dir, 'switchboard.db')}` }, notifications: { maxRecipients: Math.max(users, 10_000) } },
  });
  const userIds = Array.from({ length: users }, (_, i) => `user-${i}`);
  const step = Math.max(1, Math.floor(users / connectedCount));
  const connected = userIds.filter((_, i) => i % step === 0).slice(0, connectedCount);

  const child = fork(fileURLToPath(import.meta.url), ['--clients', server.url, connected.join(',')], { stdio: 'inherit' });
  const messages: Array<{ type: string; at?: number }> = [];
  const waitMessage = (type: string) =>
    new Promise<{ type: string; at?: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), 120_000);
      const check = () => {
        const m = messages.find((x) => x.type === type);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else setTimeout(check, 5);
      };
      check();
    });
  child.on('message', (m: { type: string; at?: number }) => messages.push(m));
  await waitMessage('ready');

  // GET /health polled during the call: the worst answer time shows whether the server kept serving.
  let healthWorst = 0;
  let healthCount = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      await fetch(`${server.url}/health`).then((r) => r.text());
      healthWorst = Math.max(healthWorst, performance.now() - t);
      healthCount++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const t0 = Date.now();
  const response = await fetch(`${server.url}/api/notify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userIds, type: 'info', title: 'Measure', message: 'One notify to everyone', data: { run: t0 } }),
  });
  const body = (await response.json()) as { count: number };
  const stored = Date.now() - t0;
  const received = (await waitMessage('all-received')).at! - t0;
  lag.disable();
  polling = false;
  await poller;

  const count = await server.switchboard.context.store.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    JSON.stringify(
      {
        users,
        connectedClients: connected.length,
        httpStatus: response.status,
        acknowledged: body.count,
        rowsInStore: Number(count.n),
        msUntilAcknowledgedAndStored: stored,
        msUntilAllConnectedReceived: received,
        notificationsPerSecond: Math.round((users / Math.max(stored, received)) * 1000),
        eventLoopDelayMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
        healthChecksDuringCall: healthCount,
        healthWorstMs: Number(healthWorst.toFixed(1)),
      },
      null,
      2,
    ),
  );
  child.send({ type: 'exit' });
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--clients') {
  await runClients(process.argv[3] as string, (process.argv[4] as string).split(','));
} else {
  await main();
}
