/**
 * A quick publish latency and throughput figure for one node (issue 3's closing
 * note; the benchmark issue does this properly).
 *
 *   npx tsx scripts/measure-publish.ts [--subscribers 200] [--seconds 5] [--rate 100] [--concurrency 4] [--client-processes 1]
 *
 * The server runs in a child process with the embedded SQLite store in a temp file and
 * a public channel with history; N socket.io-client subscribers, spread over a few
 * client processes so that their decoding is not the bottleneck, join it over 127.0.0.1.
 * Publications go through the programmatic `publish()` (the same dispatcher as
 * POST /api/publish) and carry their send time; latency is receive time minus that.
 * Two bounded runs: paced at --rate publications/s (latency at a normal load), then
 * --concurrency publishers as fast as the server accepts (throughput).
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';

const SECRET = 'measure-secret-0123456789abcdef';
const CHANNEL = 'bench:1';
const now = () => performance.timeOrigin + performance.now();

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

type RunRequest = { kind: 'run'; seconds: number; rate?: number; concurrency: number };
type RunReport = { kind: 'done'; published: number; startedAt: number; endedAt: number };

/** The child: a Switchboard that publishes when told to. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/features.js');
  const { startServer } = await import('../src/server.js');
  const { pino } = await import('pino');
  const file = join(tmpdir(), `sb-measure-${process.pid}.db`);
  const config = loadConfig({
    env: {},
    overrides: {
      env: 'test',
      port: 0,
      host: '127.0.0.1',
      auth: { jwtSecret: SECRET },
      database: { url: `sqlite:${file}` },
      // Socket.IO's connection-state recovery off (main's default): it keeps every broadcast in memory.
      socket: { recoveryWindowMs: 0 },
      channels: { bench: { policy: 'public', history: { size: 1000 } } },
      rateLimits: { default: { points: 1_000_000, perSeconds: 1 } },
      log: { level: 'silent' },
    },
  });
  const server = await startServer({ config, logger: pino({ level: 'silent' }) });
  process.send?.({ kind: 'ready', url: server.url });
  process.on('message', async (message: RunRequest | { kind: 'stop' }) => {
    if (message.kind === 'stop') {
      await server.stop();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      process.exit(0);
    }
    const startedAt = now();
    const endAt = startedAt + message.seconds * 1000;
    let published = 0;
    const loop = async (interval?: number) => {
      let next = now();
      while (now() < endAt) {
        await server.switchboard.publish(CHANNEL, 'tick', { sentAt: now() });
        published++;
        if (interval) {
          next += interval;
          const wait = next - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    };
    const interval = message.rate ? (1000 * message.concurrency) / message.rate : undefined;
    await Promise.all(Array.from({ length: message.concurrency }, () => loop(interval)));
    const report: RunReport = { kind: 'done', published, startedAt, endedAt: now() };
    process.send?.(report);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

type ClientStats = { kind: 'stats'; latencies: number[]; received: number; lastReceivedAt: number };

/** A client child: `count` subscribers, stats on request. */
async function subscribe(url: string, from: number, count: number): Promise<void> {
  const { signToken } = await import('../src/auth/sign-token.js');
  let latencies: number[] = [];
  let received = 0;
  let lastReceivedAt = 0;
  const sockets: Socket[] = [];
  for (let i = from; i < from + count; i++) {
    const token = await signToken({ secret: SECRET, sub: `s${i}` });
    const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connected', () => resolve());
      socket.once('connect_error', reject);
    });
    await new Promise<void>((resolve, reject) =>
      socket.emit('subscribe', CHANNEL, (ack: { ok: boolean }) => (ack.ok ? resolve() : reject(new Error('subscribe refused')))),
    );
    socket.on('tick', (data: { sentAt: number }) => {
      const at = now();
      latencies.push(at - data.sentAt);
      received++;
      lastReceivedAt = at;
    });
    sockets.push(socket);
  }
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'reset') {
      latencies = [];
      received = 0;
    } else if (m.kind === 'count') process.send?.({ kind: 'count', received });
    else if (m.kind === 'stats') process.send?.({ kind: 'stats', latencies, received, lastReceivedAt } satisfies ClientStats);
    else if (m.kind === 'stop') {
      for (const socket of sockets) socket.disconnect();
      process.exit(0);
    }
  });
  process.send?.({ kind: 'ready' });
}

async function measure(): Promise<void> {
  const subscribers = arg('subscribers', 200);
  const seconds = arg('seconds', 5);
  const rate = arg('rate', 100);
  const concurrency = arg('concurrency', 4);
  const clientProcesses = arg('client-processes', 1);
  const script = fileURLToPath(import.meta.url);
  const spawn = (args: string[]) => fork(script, args, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ask = <T>(child: ReturnType<typeof fork>, kind: string, answer: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { kind: string }) => {
        if (m.kind !== answer) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      if (kind) child.send({ kind });
    });

  const server = spawn(['--serve']);
  const { url } = await ask<{ url: string }>(server, '', 'ready');
  const per = Math.ceil(subscribers / clientProcesses);
  const clients = Array.from({ length: clientProcesses }, (_, i) =>
    spawn(['--clients', url, String(i * per), String(Math.min(per, subscribers - i * per))]),
  );
  await Promise.all(clients.map((c) => ask(c, '', 'ready')));

  const run = async (label: string, request: RunRequest) => {
    for (const c of clients) c.send({ kind: 'reset' });
    const done = ask<RunReport>(server, '', 'done');
    server.send(request);
    const report = await done;
    const expected = report.published * subscribers;
    // Wait (bounded) for the deliveries still in flight.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = await Promise.all(clients.map((c) => ask<{ received: number }>(c, 'count', 'count')));
      if (counts.reduce((sum, c) => sum + c.received, 0) >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const stats = await Promise.all(clients.map((c) => ask<ClientStats>(c, 'stats', 'stats')));
    const sorted = stats.flatMap((s) => s.latencies).sort((a, b) => a - b);
    const received = stats.reduce((sum, s) => sum + s.received, 0);
    const lastReceivedAt = Math.max(...stats.map((s) => s.lastReceivedAt));
    const publishSeconds = (report.endedAt - report.startedAt) / 1000;
    const deliverySeconds = (Math.max(lastReceivedAt, report.endedAt) - report.startedAt) / 1000;
    console.log(
      `${label}: ${report.published} publications in ${publishSeconds.toFixed(1)} s (${(report.published / publishSeconds).toFixed(0)} publications/s), ` +
        `${received}/${expected} deliveries in ${deliverySeconds.toFixed(1)} s (${(received / deliverySeconds).toFixed(0)} deliveries/s), ` +
        `latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`,
    );
  };

  console.log(
    `one node, SQLite file store, ${subscribers} subscribers (${clientProcesses} client processes) on ${CHANNEL} (history size 1000), 127.0.0.1, node ${process.version}`,
  );
  await run(`paced ${rate}/s`, { kind: 'run', seconds, rate, concurrency: 1 });
  await run(`max, ${concurrency} publishers`, { kind: 'run', seconds, concurrency });

  for (const c of clients) c.send({ kind: 'stop' });
  server.send({ kind: 'stop' });
  await Promise.all([server, ...clients].map((c) => new Promise((resolve) => c.on('exit', resolve))));
}

const clientsAt = process.argv.indexOf('--clients');
if (process.argv.includes('--serve')) void serve();
else if (clientsAt >= 0)
  void subscribe(process.argv[clientsAt + 1] as string, Number(process.argv[clientsAt + 2]), Number(process.argv[clientsAt + 3]));
else
  measure().catch((err) => {
    console.error(err);
    process.exit(1);
  });
