/**
 * How the dashboard's admin routes hold up with many connections (issue 13: "usable
 * at 10,000 connections"): answer time and size of each route the page polls, with
 * N real socket.io-client sockets connected, each subscribed to one of C channels;
 * optionally the page itself in headless Chromium (JS heap, DOM size, bytes/s).
 *
 *   npx tsx scripts/measure-dashboard.ts [--connections 10000] [--channels 1000] [--client-processes 2] [--samples 10] [--browser]
 *                                        [--nodes 2 [--redis redis://127.0.0.1:6379]]
 *
 * The server runs in a child process (SQLite file store, Socket.IO recovery off,
 * rate limits out of the way), the clients in --client-processes others, so the
 * figures are the server's. With --nodes N, N server processes share Redis (a random
 * key prefix, deleted afterwards) and one SQLite file; clients spread over the nodes
 * and the routes are asked of the first, so every answer crosses the adapter. For comparison the same run times GET /api/rooms (the
 * unpaged list of every room) and `io.fetchSockets()` (every socket, as
 * socket.io-admin-ui needs them). Each overview sample waits past the overview's
 * one-second reuse, so it is computed afresh. Bounded: stops after 10 minutes.
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';

const SECRET = 'measure-dashboard-secret-0123456789abcdef';
const API_KEY = 'sk_measure_dashboard_0123456789';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

type Child = ReturnType<typeof fork>;

function ask<T>(child: Child, request: Record<string, unknown> | undefined, answer: string): Promise<T> {
  return new Promise<T>((resolve) => {
    const onMessage = (m: { kind: string }) => {
      if (m.kind !== answer) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    if (request) child.send(request);
  });
}

/** The server child; answers `fetchSockets` with the time a full fetchSockets() takes. */
async function serve(file: string, redis: { url: string; prefix: string } | undefined): Promise<void> {
  const { loadConfig } = await import('../src/features.js');
  const { startServer } = await import('../src/server.js');
  const { pino } = await import('pino');
  const config = loadConfig({
    env: {},
    overrides: {
      env: 'test',
      port: 0,
      host: '127.0.0.1',
      auth: { jwtSecret: SECRET },
      apiKeys: [API_KEY],
      database: { url: `sqlite:${file}` },
      socket: { recoveryWindowMs: 0 },
      channels: { room: { policy: 'public', history: { size: 100 } } },
      rateLimits: { default: { points: 1_000_000, perSeconds: 1 } },
      log: { level: 'silent' },
      ...(redis ? { redis: { url: redis.url, keyPrefix: redis.prefix } } : {}),
    },
  });
  const server = await startServer({ config, logger: pino({ level: 'silent' }) });
  process.send?.({ kind: 'ready', url: server.url });
  process.on('message', async (message: { kind: string }) => {
    if (message.kind === 'fetchSockets') {
      const started = performance.now();
      const sockets = await server.switchboard.context.io.fetchSockets();
      process.send?.({ kind: 'fetched', ms: performance.now() - started, count: sockets.length });
    } else if (message.kind === 'stop') {
      await server.stop();
      process.exit(0);
    }
  });
}

/** Deletes every key under the run's prefix. */
async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A client child: `count` sockets from user number `from`, each in channel `room:{i % channels}`. */
async function connectClients(url: string, from: number, count: number, channels: number): Promise<void> {
  const { signToken } = await import('../src/auth/sign-token.js');
  const sockets: Socket[] = [];
  // A few handshakes at a time: fast, without a connection storm the server would shed.
  const BATCH = 50;
  for (let start = from; start < from + count; start += BATCH) {
    const batch: Array<Promise<void>> = [];
    for (let i = start; i < Math.min(from + count, start + BATCH); i++) {
      batch.push(
        (async () => {
          const token = await signToken({ secret: SECRET, sub: `user-${i}` });
          const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
          sockets.push(socket);
          await new Promise<void>((resolve, reject) => {
            socket.once('connected', () => resolve());
            socket.once('connect_error', reject);
          });
          await socket.timeout(30_000).emitWithAck('subscribe', `room:${i % channels}`);
        })(),
      );
    }
    await Promise.all(batch);
  }
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'stop') {
      for (const socket of sockets) socket.disconnect();
      process.exit(0);
    }
  });
  process.send?.({ kind: 'ready' });
}

interface Timing {
  route: string;
  samples: number[];
  bytes: number;
}

async function time(url: string, route: string, samples: number, gapMs = 0): Promise<Timing> {
  const out: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    const started = performance.now();
    const response = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const body = await response.arrayBuffer();
    out.push(performance.now() - started);
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${Buffer.from(body).toString()}`);
    bytes = body.byteLength;
  }
  return { route, samples: out.sort((a, b) => a - b), bytes };
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;

async function browserFigures(url: string): Promise<string> {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS } = await import('../test/support/browser.js');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    let bytes = 0;
    page.on('response', (response) => {
      if (response.url().includes('/api/admin/'))
        void response.body().then(
          (b) => (bytes += b.length),
          () => undefined,
        );
    });
    const started = performance.now();
    await page.goto(`${url}/dashboard`);
    await page.fill('input[name=token]', API_KEY);
    await page.click('button[type=submit]');
    await page.getByTestId('connections').waitFor();
    const firstPaint = performance.now() - started;
    bytes = 0;
    await page.waitForTimeout(10_000);
    const figures = (await page.evaluate(
      '({ nodes: document.getElementsByTagName("*").length, heap: performance.memory ? performance.memory.usedJSHeapSize : 0, shown: document.querySelector("[data-testid=connections]").textContent })',
    )) as { nodes: number; heap: number; shown: string };
    return (
      `browser: signed in and showing "${figures.shown}" connections ${firstPaint.toFixed(0)} ms after opening the page; ` +
      `${figures.nodes} DOM elements, JS heap ${(figures.heap / 1024 / 1024).toFixed(1)} MiB, ` +
      `${(bytes / 10 / 1024).toFixed(1)} KiB/s of admin API answers while polling`
    );
  } finally {
    await browser.close();
  }
}

async function measure(): Promise<void> {
  const connections = arg('connections', 10_000);
  const channels = arg('channels', 1000);
  const clientProcesses = arg('client-processes', 2);
  const samples = arg('samples', 10);
  const nodes = arg('nodes', 1);
  const redisAt = process.argv.indexOf('--redis');
  const redisUrl = redisAt >= 0 ? (process.argv[redisAt + 1] as string) : 'redis://127.0.0.1:6379';
  const prefix = `sbmeasure:${process.pid}:`;
  const file = join(tmpdir(), `sb-measure-dashboard-${process.pid}.db`);
  const script = fileURLToPath(import.meta.url);
  const spawn = (args: string[]) => fork(script, args, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });

  // Nodes start one after the other: the first one migrates the shared store.
  const servers: Child[] = [];
  const urls: string[] = [];
  for (let n = 0; n < nodes; n++) {
    const child = spawn(['--serve', file, ...(nodes > 1 ? ['--redis', redisUrl, prefix] : [])]);
    servers.push(child);
    urls.push((await ask<{ url: string }>(child, undefined, 'ready')).url);
  }
  const [server, url] = [servers[0] as Child, urls[0] as string];
  const per = Math.ceil(connections / clientProcesses);
  const connectStarted = performance.now();
  const clients = Array.from({ length: clientProcesses }, (_, i) =>
    spawn([
      '--clients',
      urls[i % nodes] as string,
      String(i * per),
      String(Math.max(0, Math.min(per, connections - i * per))),
      String(channels),
    ]),
  );
  await Promise.all(clients.map((c) => ask(c, undefined, 'ready')));
  const where = nodes > 1 ? `${nodes} nodes on Redis, routes asked of the first` : 'one node';
  console.log(
    `${connections} sockets (${connections} users) in ${channels} channels connected in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s; ${where}, 127.0.0.1, node ${process.version}`,
  );

  const timings = [
    await time(url, '/api/admin/overview', samples, 1000),
    await time(url, '/api/admin/channels?limit=50', samples),
    await time(url, '/api/admin/channels?limit=50&cursor=room:5', samples),
    await time(url, '/api/admin/users?limit=50', samples),
    await time(url, '/api/admin/users/user-42/sockets', samples),
    await time(url, '/api/rooms', Math.min(samples, 3)),
  ];
  console.log('route | median ms | max ms | answer bytes');
  for (const t of timings) {
    console.log(`${t.route} | ${median(t.samples).toFixed(1)} | ${(t.samples.at(-1) ?? Number.NaN).toFixed(1)} | ${t.bytes}`);
  }
  const fetched = await ask<{ ms: number; count: number }>(server, { kind: 'fetchSockets' }, 'fetched');
  console.log(`io.fetchSockets() (every socket, on the first node): ${fetched.ms.toFixed(1)} ms for ${fetched.count} sockets`);
  if (process.argv.includes('--browser')) console.log(await browserFigures(url));

  const exited = [...servers, ...clients].map((c) => new Promise((resolve) => c.on('exit', resolve)));
  for (const c of clients) c.send({ kind: 'stop' });
  for (const s of servers) s.send({ kind: 'stop' });
  await Promise.all(exited);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  if (nodes > 1) await dropRedisPrefix(redisUrl, prefix);
}

const hardStop = setTimeout(() => {
  console.error('FAILED: took longer than 10 minutes');
  process.exit(1);
}, 600_000);
hardStop.unref();

const clientsAt = process.argv.indexOf('--clients');
const serveAt = process.argv.indexOf('--serve');
const serveRedisAt = process.argv.indexOf('--redis');
if (serveAt >= 0)
  void serve(
    process.argv[serveAt + 1] as string,
    serveRedisAt >= 0 ? { url: process.argv[serveRedisAt + 1] as string, prefix: process.argv[serveRedisAt + 2] as string } : undefined,
  );
else if (clientsAt >= 0)
  void connectClients(
    process.argv[clientsAt + 1] as string,
    Number(process.argv[clientsAt + 2]),
    Number(process.argv[clientsAt + 3]),
    Number(process.argv[clientsAt + 4]),
  );
else
  measure().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
