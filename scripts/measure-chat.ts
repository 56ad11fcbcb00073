/**
 * Chat throughput and latency on one node (issue 5's closing figures).
 *
 *   npx tsx scripts/measure-chat.ts [--users 1000] [--seconds 12] [--workers 4]
 *
 * One Switchboard in this process on 127.0.0.1 with the embedded SQLite store in a
 * temp dir; `users` real socket.io-client sockets spread over `workers` child
 * processes (so the clients do not steal the server's event loop), in users/2
 * one-to-one pairs. Each pair's first user sends `message:send` with a timestamp in
 * the content; the peer's socket measures send-to-receive latency on `message:new`.
 *
 * Phase 1 (saturation): every sender keeps one message in flight (next send on its
 * ack) for `seconds`: the sustained rate the node stores and delivers.
 * Phase 2 (at a fixed rate): senders are paced open-loop at 80% of phase 1's rate for
 * `seconds`, and the latency percentiles are reported at that rate.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../src/auth/sign-token.js';
import { loadConfig } from '../src/features.js';
import { startServer } from '../src/server.js';

const SECRET = 'measure-secret-with-enough-length-0123456789';
const now = () => performance.timeOrigin + performance.now();

interface Pair {
  sender: string;
  receiver: string;
  conversationId: string;
}
type ToWorker =
  | { kind: 'setup'; url: string; pairs: Pair[] }
  | { kind: 'run'; mode: 'closed' | 'open'; ms: number; perSenderRate?: number };
type FromWorker =
  | { kind: 'ready' }
  | { kind: 'result'; acked: number; received: number; latencies: number[]; errors: number; first: number; last: number };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

// ---- worker: drives a share of the sockets -----------------------------------------

async function worker(): Promise<void> {
  let senders: Array<{ socket: Socket; pair: Pair }> = [];
  const all: Socket[] = [];
  let latencies: number[] = [];
  let received = 0;
  let recording = false;

  const connect = async (url: string, userId: string): Promise<Socket> => {
    const token = await signToken({ secret: SECRET, sub: userId, ttl: '2h' });
    const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connected', () => resolve());
      socket.once('connect_error', reject);
    });
    all.push(socket);
    return socket;
  };

  process.on('message', async (msg: ToWorker) => {
    if (msg.kind === 'setup') {
      for (const pair of msg.pairs) {
        const receiver = await connect(msg.url, pair.receiver);
        receiver.on('message:new', (m: { senderId: string; content: string }) => {
          if (!recording || m.senderId === pair.receiver) return;
          received++;
          latencies.push(now() - Number(m.content.split(' ')[0]));
        });
        senders.push({ socket: await connect(msg.url, pair.sender), pair });
      }
      process.send?.({ kind: 'ready' } satisfies FromWorker);
      return;
    }
    latencies = [];
    received = 0;
    let acked = 0;
    let errors = 0;
    recording = true;
    const first = now();
    const end = first + msg.ms;
    const sendOne = (s: { socket: Socket; pair: Pair }) =>
      new Promise<void>((resolve) => {
        s.socket.emit('message:send', { conversationId: s.pair.conversationId, content: `${now()} hello` }, (ack: { ok: boolean }) => {
          if (ack.ok) acked++;
          else errors++;
          resolve();
        });
      });
    if (msg.mode === 'closed') {
      await Promise.all(
        senders.map(async (s) => {
          while (now() < end) await sendOne(s);
        }),
      );
    } else {
      const interval = 1000 / (msg.perSenderRate ?? 1);
      await Promise.all(
        senders.map(async (s, i) => {
          // spread the senders' ticks over one interval
          let next = first + (interval * i) / senders.length;
          const inFlight: Promise<void>[] = [];
          while (next < end) {
            const wait = next - now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            inFlight.push(sendOne(s));
            next += interval;
          }
          await Promise.all(inFlight);
        }),
      );
    }
    const last = now();
    await new Promise((r) => setTimeout(r, 500)); // let the last deliveries land
    recording = false;
    process.send?.({ kind: 'result', acked, received, latencies, errors, first, last } satisfies FromWorker);
  });
  process.on('disconnect', () => {
    for (const socket of all) socket.close();
    senders = [];
    process.exit(0);
  });
}

// ---- main: the server and the coordination ---------------------------------------

async function main(): Promise<void> {
  const users = arg('users', 1000);
  const seconds = arg('seconds', 12);
  const workers = arg('workers', 4);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-measure-'));
  const config = loadConfig({
    env: {},
    overrides: {
      env: 'production',
      port: 0,
      host: '127.0.0.1',
      auth: { jwtSecret: SECRET },
      cors: { origins: ['http://127.0.0.1'] },
      database: { url: `sqlite:${join(dir, 'chat.db')}` },
      rateLimits: { default: { points: 1_000_000, perSeconds: 1 } },
      log: { level: 'silent' },
    },
  });
  const server = await startServer({ config, logger: pino({ level: 'silent' }) });
  const sb = server.switchboard;

  const pairs: Pair[] = [];
  for (let i = 0; i < users / 2; i++) {
    const conversation = await sb.createConversation({ kind: 'direct', creatorId: `u${2 * i}`, memberIds: [`u${2 * i + 1}`] });
    pairs.push({ sender: `u${2 * i}`, receiver: `u${2 * i + 1}`, conversationId: conversation.id });
  }

  const children = Array.from({ length: workers }, () => fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: 'inherit' }));
  const next = (child: (typeof children)[number]) =>
    new Promise<FromWorker>((resolve) => child.once('message', (m) => resolve(m as FromWorker)));
  const connectStart = now();
  await Promise.all(
    children.map((child, w) => {
      const reply = next(child);
      child.send({ kind: 'setup', url: server.url, pairs: pairs.filter((_, i) => i % workers === w) } satisfies ToWorker);
      return reply;
    }),
  );
  const counts = await sb.context.presence.counts();
  console.log(`connected ${counts.connections} sockets (${counts.users} users) in ${((now() - connectStart) / 1000).toFixed(1)} s`);

  const run = async (mode: 'closed' | 'open', perSenderRate?: number) => {
    const results = (await Promise.all(
      children.map((child) => {
        const reply = next(child);
        child.send({ kind: 'run', mode, ms: seconds * 1000, perSenderRate } satisfies ToWorker);
        return reply;
      }),
    )) as Array<Extract<FromWorker, { kind: 'result' }>>;
    const acked = results.reduce((n, r) => n + r.acked, 0);
    const received = results.reduce((n, r) => n + r.received, 0);
    const errors = results.reduce((n, r) => n + r.errors, 0);
    const span = (Math.max(...results.map((r) => r.last)) - Math.min(...results.map((r) => r.first))) / 1000;
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    return {
      rate: acked / span,
      acked,
      received,
      errors,
      span,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
  };
  const show = (label: string, r: Awaited<ReturnType<typeof run>>) =>
    console.log(
      `${label}: ${r.rate.toFixed(0)} messages/s stored and delivered (${r.acked} acked, ${r.received} received, ${r.errors} errors, ${r.span.toFixed(1)} s); ` +
        `send→receive latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`,
    );

  const saturated = await run('closed');
  show(`saturation (${pairs.length} senders, 1 in flight each)`, saturated);
  const target = Math.floor(saturated.rate * 0.8);
  const paced = await run('open', target / pairs.length);
  show(`paced at ${target} messages/s (80%)`, paced);

  for (const child of children) child.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(`node ${process.version}, ${users} users, SQLite file store (WAL), one process for the server, ${workers} client processes`);
}

if (process.argv.includes('--worker')) void worker();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
