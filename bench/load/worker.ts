/**
 * Entry of a load worker process: holds a share of the client sockets
 * (socket.io-client, websocket transport), counts what they receive, measures
 * latency from the send timestamp carried in each payload (same machine clock),
 * and reports progress and counters to the parent over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../../src/auth/sign-token.js';
import { Histogram, now } from '../histogram.js';
import { type IpcMessage, notifyParent, serveRequests } from '../ipc.js';
import { type DriveKind, type ListenEvent, peerOf, sendTimestamp } from './events.js';

interface Client {
  userId: string;
  socket: Socket;
}

let clients: Client[] = [];
const histogram = new Histogram();
let received = 0;
let firstAt = 0;
let lastAt = 0;
/** Monotonic receive counter for pacing; never reset. */
let progress = 0;
let reported = 0;
/** Receipts between progress reports; only paced scenarios lower it (via `listen`). */
let reportEvery = 1000;

setInterval(() => {
  if (progress !== reported) {
    reported = progress;
    notifyParent('progress', { total: progress });
  }
}, 5).unref();

function onReceipt(sentAt: number): void {
  const t = now();
  if (Number.isFinite(sentAt)) histogram.record(t - sentAt);
  if (received === 0) firstAt = t;
  lastAt = t;
  received += 1;
  progress += 1;
  if (progress - reported >= reportEvery) {
    reported = progress;
    notifyParent('progress', { total: progress });
  }
}

function connectOne(url: string, userId: string, auth: Record<string, unknown>, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth, timeout: timeoutMs });
    const timer = setTimeout(() => fail(new Error('timed out waiting for connected')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(err);
    };
    socket.once('connect_error', fail);
    socket.once('connected', () => {
      clearTimeout(timer);
      socket.off('connect_error', fail);
      resolve({ userId, socket });
    });
  });
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function connect(message: IpcMessage) {
  const users = message.users as string[];
  const secret = message.secret as string | undefined;
  const timeoutMs = Number(message.timeoutMs ?? 30_000);
  // Tokens are minted before the clock starts: the storm measures the server.
  const auths = await Promise.all(
    users.map(async (userId) => (secret ? { token: await signToken({ secret, sub: userId, ttl: '4h' }) } : { userId })),
  );
  let failed = 0;
  let firstError: string | undefined;
  const startedAt = now();
  await pool(
    users.map((userId, i) => ({ userId, auth: auths[i]! })),
    Number(message.concurrency ?? 200),
    async ({ userId, auth }) => {
      try {
        clients.push(await connectOne(String(message.url), userId, auth, timeoutMs));
      } catch (err) {
        failed += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    },
  );
  return { connected: clients.length, failed, firstError, startedAt, finishedAt: now() };
}

async function subscribe(message: IpcMessage) {
  let failed = 0;
  let firstError: unknown;
  await pool(clients, 200, async ({ socket }) => {
    const ack = (await socket
      .timeout(30_000)
      .emitWithAck('subscribe', message.channel)
      .catch((err: Error) => ({ ok: false, error: err.message }))) as {
      ok: boolean;
      error?: unknown;
    };
    if (!ack.ok) {
      failed += 1;
      firstError ??= ack.error;
    }
  });
  return { failed, firstError };
}

function listen(message: IpcMessage) {
  const event = message.event as ListenEvent;
  reportEvery = Math.max(1, Number(message.reportEvery ?? 1));
  for (const { userId, socket } of clients) {
    socket.off(event);
    socket.on(event, (...args: unknown[]) => {
      const sentAt = sendTimestamp(event, userId, args[0]);
      if (sentAt !== undefined) onReceipt(sentAt);
    });
  }
  return true;
}

/** Drive calls so far: part of every clientMessageId, so a later run never repeats an earlier one's ids. */
let drives = 0;

/** Client-driven closed loops: each client sends its next request when the previous one is acknowledged. */
async function drive(message: IpcMessage) {
  const run = drives++;
  const kind = message.kind as DriveKind;
  const pad = 'x'.repeat(Number(message.payloadBytes ?? 100));
  const end = now() + Number(message.durationMs);
  let sent = 0;
  let errors = 0;
  let firstError: unknown;
  await Promise.all(
    clients.map(async ({ userId, socket }) => {
      let n = 0;
      while (now() < end) {
        const t = now();
        const [event, payload] =
          kind === 'echo'
            ? ['echo', { t, pad }]
            : ['message:send', { receiverId: peerOf(userId), content: `${t} ${pad}`, clientMessageId: `${userId}-${run}-${n++}` }];
        const ack = (await socket
          .timeout(10_000)
          .emitWithAck(event, payload)
          .catch((err: Error) => ({ ok: false, error: err.message }))) as {
          ok: boolean;
          error?: unknown;
        };
        sent += 1;
        if (!ack.ok) {
          errors += 1;
          firstError ??= ack.error;
          if (errors > 100) return;
        } else if (kind === 'echo') {
          onReceipt(t);
        }
      }
    }),
  );
  return { sent, errors, firstError };
}

serveRequests({
  connect,
  subscribe,
  listen,
  drive,
  reset: () => {
    histogram.reset();
    received = 0;
    firstAt = 0;
    lastAt = 0;
    return true;
  },
  collect: () => ({ received, firstAt, lastAt, histogram: histogram.toData() }),
  close: async () => {
    for (const { socket } of clients) socket.disconnect();
    clients = [];
    return true;
  },
});
notifyParent('ready');
