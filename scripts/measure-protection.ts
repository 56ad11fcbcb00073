/**
 * Issue 12's findings, measured again with the production defaults of `limits`
 * (docs/security.md): each line prints what the attack achieved before the fix (the
 * issue's figure) and what it achieves now.
 *
 *
 * One Switchboard in this process on 127.0.0.1 (in-memory SQLite), its clients in the
 * same process. Bounded: at most 3,000 sockets, 20 MB broadcast, 200 × 900 KB frames.
 * RSS is this whole process (server and clients) after a GC (`--expose-gc`); the reflection
 * client runs in a worker thread so the server's own heap can be read alone.
 *
 *   npx tsx --expose-gc scripts/measure-protection.ts
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../src/auth/sign-token.js';
import type { SwitchboardConfigInput } from '../src/config/schema.js';
import { loadConfig } from '../src/features.js';
import { startServer } from '../src/server.js';

const SECRET = 'measure-secret-with-enough-length-0123456789';
const API_KEY = 'sk_measure_0123456789abcdef';
const lines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (chunk: string) => void lines.push(JSON.parse(chunk)) });
/** A server on 127.0.0.1 with an in-memory store and the production limits, unless `overrides` change them. */
const localConfig = (overrides: SwitchboardConfigInput) =>
  loadConfig({
    env: {},
    overrides: { env: 'test', port: 0, host: '127.0.0.1', auth: { jwtSecret: SECRET }, database: { url: 'sqlite::memory:' }, ...overrides },
  });
const config = localConfig({ apiKeys: [API_KEY], cors: { origins: ['https://app.example'] } });
const server = await startServer({ config, logger });
const url = server.url;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rss = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};
const require = createRequire(import.meta.url);
const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};
let peakHeap = 0;
setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 20).unref();
/** The reflecting client (CommonJS, in a worker thread): sends without reading, reports what came back. */
const REFLECTOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { io } = require(workerData.ioPath);
const socket = io(workerData.url, { transports: ['websocket'], reconnection: false, auth: { token: workerData.token } });
let errors = 0, maxEcho = 0;
socket.on('error', (e) => { errors++; maxEcho = Math.max(maxEcho, (e.event || '').length); });
socket.once('connected', async () => {
  if (workerData.mode === 'echo') {
    // A guest echoing 900 KB payloads inside the rate limit (10/s) without reading the answers.
    socket.io.engine.transport.ws._socket.pause();
    const payload = 'p'.repeat(900000);
    for (let i = 0; i < 40 && socket.connected; i++) {
      socket.emit('echo', payload);
      await new Promise((r) => setTimeout(r, 100));
    }
    return;
  }
  const name = 'n'.repeat(900000);
  for (let i = 0; i < 200; i++) socket.emit(name);
});
const done = (cut) => { parentPort.postMessage({ errors, maxEcho, cut }); socket.close(); setTimeout(() => process.exit(0), 100); };
socket.io.engine.on('close', () => done(true));
setTimeout(() => done(false), 10000);
`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const token = (sub: string) => signToken({ secret: SECRET, sub, issuer: config.auth.issuer, audience: config.auth.audience });
const report: Array<[string, string, string]> = [];
const row = (finding: string, before: string, after: string) => {
  report.push([finding, before, after]);
  console.log(`- ${finding}\n    before: ${before}\n    after:  ${after}`);
};

function open(
  auth: Record<string, unknown>,
  extra: Partial<Parameters<typeof io>[1]> = {},
  target = url,
): Promise<{ socket: Socket; error?: string }> {
  return new Promise((resolve) => {
    const socket = io(target, { transports: ['websocket'], reconnection: false, forceNew: true, auth, ...extra });
    const timer = setTimeout(() => resolve({ socket, error: 'timeout' }), 10_000);
    socket.once('connected', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('connect_error', (err: Error) => {
      clearTimeout(timer);
      resolve({ socket, error: err.message });
    });
  });
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size)
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

const tally = (results: Array<{ error?: string }>) => {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.error ?? 'accepted'] = (counts[r.error ?? 'accepted'] ?? 0) + 1;
  return counts;
};

async function closeAll(results: Array<{ socket: Socket }>) {
  for (const r of results) r.socket.disconnect();
  await sleep(500);
}

// 1. Slow consumer: one client stops reading while 10 KB messages are broadcast.
{
  const before = rss();
  const slow = await open({ token: await token('slow') });
  const reader = await open({ token: await token('reader') });
  let received = 0;
  reader.socket.on('broadcast', () => received++);
  (slow.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } }).transport.ws._socket.pause();
  const message = 'x'.repeat(10_000);
  let sent = 0;
  for (; sent < 2_000 && !lines.some((l) => l.msg === 'disconnecting a slow consumer'); sent++) {
    server.switchboard.context.io.emit('broadcast', { title: `m${sent}`, message, from: 'measure', timestamp: new Date().toISOString() });
    if (sent % 10 === 9) while (received < sent - 20) await sleep(1);
  }
  const cut = lines.find((l) => l.msg === 'disconnecting a slow consumer');
  row(
    'Slow consumer (10 KB broadcasts, client stopped reading)',
    'cut after 40 s with ~187 MB queued; RSS +397 MB',
    cut
      ? `cut after ${sent} messages with ${mb(cut.queuedBytes as number)} queued (cap ${mb(config.limits.maxBufferedBytesPerSocket)}); RSS ${mb(rss() - before)} growth`
      : `not cut after ${sent} messages`,
  );
  slow.socket.disconnect();
  reader.socket.disconnect();
}

// 2. Reflection: 200 unknown events with 900 KB names from one socket that does not read.
// The client runs in a worker thread, so this isolate's heap is the server's alone.
{
  const heapBefore = heap();
  peakHeap = heapBefore;
  const reflectorToken = await token('reflector');
  const result = await new Promise<{ errors: number; maxEcho: number; cut: boolean }>((resolve, reject) => {
    const worker = new Worker(REFLECTOR, {
      eval: true,
      workerData: { url, token: reflectorToken, ioPath: require.resolve('socket.io-client') },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const heapPeak = peakHeap - heapBefore;
  row(
    'Reflection (200 unknown events, 900 KB names)',
    'names echoed whole; RSS +199 MB in 6 s; not rate-limited nor counted',
    `${result.errors} error events, longest echoed name ${result.maxEcho} chars; socket ${result.cut ? 'cut for flooding' : 'still connected'}; server heap ${mb(heap() - heapBefore)} after, peak +${mb(heapPeak)}`,
  );
}

// 2b. A guest echoing 900 KB payloads inside the rate limit, not reading the answers.
{
  const heapBefore = heap();
  peakHeap = heapBefore;
  const guest = (await (await fetch(`${url}/api/sessions`, { method: 'POST' })).json()) as { token: string };
  const cutsBefore = lines.filter((l) => l.msg === 'disconnecting a slow consumer').length;
  const started = Date.now();
  const result = await new Promise<{ cut: boolean }>((resolve, reject) => {
    const worker = new Worker(REFLECTOR, {
      eval: true,
      workerData: { url, token: guest.token, mode: 'echo', ioPath: require.resolve('socket.io-client') },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const cut = lines.filter((l) => l.msg === 'disconnecting a slow consumer').slice(cutsBefore)[0];
  row(
    'Guest echoing 900 KB payloads inside the rate limit, not reading',
    'RSS +32 MB/s',
    `${result.cut && cut ? `cut as a slow consumer after ${((Date.now() - started) / 1000).toFixed(1)} s with ${mb(cut.queuedBytes as number)} queued` : 'not cut'}; server heap peak +${mb(peakHeap - heapBefore)}, ${mb(heap() - heapBefore)} after`,
  );
}

// 3a. Deep JSON and a 10 MB body.
{
  const deep = `{"userId":"u","type":"t","title":"x","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
  const notify = await fetch(`${url}/api/notify`, { method: 'POST', headers, body: deep });
  const sessions = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
  const { socket } = await open({ token: await token('deep') });
  const answers: string[] = [];
  socket.io.engine.on('packet', (p: { data?: unknown }) => typeof p.data === 'string' && p.data.startsWith('3') && answers.push(p.data));
  socket.io.engine.send(`21["echo",${'['.repeat(100_000)}${']'.repeat(100_000)}]`);
  for (let i = 0; i < 100 && answers.length === 0; i++) await sleep(20);
  const code = /"code":"([A-Z_]+)"/.exec(answers[0] ?? '')?.[1] ?? 'no answer';
  const huge = await new Promise<string>((resolve) => {
    const req = http.request(`${url}/api/notify`, { method: 'POST', headers: { ...headers, 'content-length': 10_000_000 } }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', (e) => resolve(`error ${e.message}`));
    req.end(Buffer.alloc(10_000_000, 'a'));
  });
  row(
    'JSON nested 100,000 levels; 10 MB body with an API key',
    '500 INTERNAL on /api/notify and /api/sessions, INTERNAL on echo; 10 MB: no answer',
    `/api/notify ${notify.status}, /api/sessions ${sessions.status}, echo ${code}; 10 MB body: ${huge}`,
  );
  socket.disconnect();
}

// 3. 3,000 handshakes from one IP at once (bad signatures): how many reached verification.
{
  const results = await inBatches(3_000, 300, () => open({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' }));
  const counts = tally(results);
  row(
    '3,000 bad-signature handshakes from one IP',
    'all 3,000 verified in 1.2 s',
    `${counts.AUTH_INVALID ?? 0} verified (AUTH_INVALID), ${counts.RATE_LIMITED ?? 0} refused RATE_LIMITED before any signature work`,
  );
  await closeAll(results);
}

// 4. 3,000 sockets from one IP, 1,500 of them for one user (after the handshake window passed).
{
  await sleep(3_500);
  const hot = await token('hot-user');
  const results = await inBatches(3_000, 100, async (i) => open({ token: i % 2 === 0 ? hot : await token(`u${i}`) }));
  const counts = tally(results);
  const hotAccepted = results.filter((r, i) => i % 2 === 0 && !r.error).length;
  row(
    '3,000 sockets from one IP, 1,500 for one user',
    'all accepted',
    `${counts.accepted ?? 0} accepted (${hotAccepted} for the one user), ${counts.RATE_LIMITED ?? 0} RATE_LIMITED`,
  );
  await closeAll(results);
}

// 4b. The same with the handshake rate lifted, so the connection caps alone decide.
{
  const capsConfig = localConfig({ log: { level: 'silent' }, limits: { handshakesPerIpPerSecond: 100_000, handshakeBurst: 100_000 } });
  const capsServer = await startServer({ config: capsConfig, logger: pino({ level: 'silent' }) });
  const hot = await token('hot-user');
  const results = await inBatches(3_000, 100, async (i) => open({ token: i % 2 === 0 ? hot : await token(`u${i}`) }, {}, capsServer.url));
  const counts = tally(results);
  const hotAccepted = results.filter((r, i) => i % 2 === 0 && !r.error).length;
  row(
    '3,000 sockets from one IP, 1,500 for one user (handshake rate lifted: the caps alone)',
    'all accepted',
    `${counts.accepted ?? 0} accepted (${hotAccepted} for the one user; caps ${capsConfig.limits.maxConnectionsPerIp} per IP, ${capsConfig.limits.maxConnectionsPerUser} per user), ${counts.RATE_LIMITED ?? 0} RATE_LIMITED`,
  );
  await closeAll(results);
  await capsServer.stop();
}

// 5. 2,000 anonymous POST /api/sessions from one IP.
{
  const statuses = await inBatches(2_000, 100, async () => (await fetch(`${url}/api/sessions`, { method: 'POST' })).status);
  row(
    '2,000 anonymous POST /api/sessions from one IP',
    '2,000 sessions created in 0.6 s',
    `${statuses.filter((s) => s === 201).length} created, ${statuses.filter((s) => s === 429).length} answered 429 RATE_LIMITED`,
  );
}

// 6. 3,000 Engine.IO sessions that never send CONNECT.
{
  await sleep(3_500);
  const engine = server.switchboard.context.io.engine;
  const before = engine.clientsCount;
  const statuses = await inBatches(3_000, 300, async () => {
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    await res.text();
    return res.status;
  });
  const opened = engine.clientsCount - before;
  const started = Date.now();
  while (engine.clientsCount > before && Date.now() - started < 60_000) await sleep(100);
  row(
    '3,000 Engine.IO sessions that never send CONNECT',
    'all 3,000 held for 45 s',
    `${statuses.filter((s) => s === 200).length} opened (at most handshakeBurst ${config.limits.handshakeBurst} pending per IP), ${statuses.filter((s) => s === 403).length} refused; ${opened} still open after the burst, all closed ${((Date.now() - started) / 1000).toFixed(1)} s later (connectTimeoutMs ${config.limits.connectTimeoutMs})`,
  );
}

// 7. Cross-site POST with the cookie token; query-string token on HTTP.
{
  const cookie = `switchboard_token=${await token('victim')}`;
  const cross = await fetch(`${url}/api/notifications/read-all`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
  const same = await fetch(`${url}/api/notifications/read-all`, { method: 'POST', headers: { cookie, origin: url } });
  const query = await fetch(`${url}/api/notifications?token=${await token('victim')}`);
  row(
    'Cross-site POST /api/notifications/read-all with the cookie; ?token= on HTTP',
    'cross-site succeeded; query token accepted',
    `cross-site ${cross.status}, same-origin ${same.status}; query token ${query.status}`,
  );
}

// 9. Log amplification: 100,000 flood frames from 5 sockets.
{
  const before = lines.filter((l) => l.msg === 'disconnecting a socket that kept flooding').length;
  const sockets = await Promise.all(Array.from({ length: 5 }, async (_, i) => (await open({ token: await token(`flood${i}`) })).socket));
  for (let i = 0; i < 100_000; i++) {
    const socket = sockets[i % 5] as Socket;
    if (socket.connected) socket.emit('ping');
    if (i % 5_000 === 4_999) await sleep(1);
  }
  await sleep(1_000);
  const warnings = lines.filter((l) => l.msg === 'disconnecting a socket that kept flooding').length - before;
  row('Log amplification (100,000 flood frames, 5 sockets)', '21,440 warning lines (~930 per socket)', `${warnings} warning lines`);
  for (const s of sockets) s.disconnect();
}

const refusedLines = lines.filter((l) => l.msg === 'handshake refused' && l.code === 'RATE_LIMITED').length;
console.log(`\nhandshake refusals logged (RATE_LIMITED, all runs above): ${refusedLines} lines`);
await server.stop();
process.exit(0);
