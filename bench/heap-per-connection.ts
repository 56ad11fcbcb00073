/**
 * What one idle connection costs in the server's heap, by kind of object: the bare
 * Socket.IO server and Switchboard side by side (issue 10, "say what each remaining
 * KiB is"). RSS per connection is in `npm run bench`; this explains it.
 *
 *   node --expose-gc --import tsx bench/heap-per-connection.ts [--clients 2000]
 *
 * For each target, in a server process of its own: a heap snapshot with no client,
 * then N clients connect from a child process (so their objects are not in the
 * server's heap), then a second snapshot. The difference, grouped by constructor
 * (objects), function name (closures) or node type (strings, arrays, code), divided
 * by N, is what each connection holds. Everything talks to 127.0.0.1.
 */
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../src/auth/sign-token.js';
import { createBareTarget } from './targets/bare.js';
import { createSwitchboardTarget } from './targets/switchboard.js';
import { BENCH_SECRET, type BenchTarget, type TargetName } from './targets/target.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    role: { type: 'string', default: 'parent' },
    target: { type: 'string' },
    url: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const SELF = fileURLToPath(import.meta.url);

type Tally = Map<string, { count: number; bytes: number }>;

/** Self size and count per group (object constructor, closure name, or node type). */
function tallySnapshot(file: string): Tally {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const fields: string[] = meta.node_fields;
  const types: string[] = meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const nodes: number[] = snapshot.nodes;
  const strings: string[] = snapshot.strings;
  const tally: Tally = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]!]!;
    const named = type === 'object' || type === 'closure' || type === 'native';
    const key = named ? `${type === 'closure' ? 'closure ' : ''}${strings[nodes[i + nameAt]!]}` : `(${type})`;
    const entry = tally.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt]!;
    tally.set(key, entry);
  }
  return tally;
}

function snapshotNow(label: string): Tally {
  (globalThis as { gc?: () => void }).gc?.();
  const file = writeHeapSnapshot(join(tmpdir(), `switchboard-heap-${process.pid}-${label}.heapsnapshot`));
  try {
    return tallySnapshot(file);
  } finally {
    rmSync(file, { force: true });
  }
}

/** The child: connects N idle clients and reports when all are connected; exits when told. */
async function runClients(url: string, target: TargetName): Promise<void> {
  const sockets: Socket[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, async (_, j) => {
      const userId = `u${i + j}`;
      const auth = target === 'bare' ? { userId } : { token: await signToken({ secret: BENCH_SECRET, sub: userId, ttl: '1h' }) };
      const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connected', () => resolve());
        socket.once('connect_error', reject);
      });
    });
    await Promise.all(batch);
  }
  process.send?.({ connected: sockets.length });
  process.once('message', () => {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  });
}

/** The server side of one target: snapshot, clients in, snapshot, the per-connection difference. */
async function measureTarget(name: TargetName): Promise<Tally> {
  const target: BenchTarget = name === 'bare' ? await createBareTarget({ target: name }) : await createSwitchboardTarget({ target: name });
  const before = snapshotNow('before');
  const child = fork(SELF, ['--role', 'clients', '--target', name, '--url', target.url, '--clients', String(CLIENTS)], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`client process exited with ${code}`)));
  });
  // Let handshake-time garbage (and per-handshake timers) settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = snapshotNow('after');
  child.removeAllListeners('exit');
  child.send('stop');
  await target.stop();
  const diff: Tally = new Map();
  for (const [key, { count, bytes }] of after) {
    const base = before.get(key) ?? { count: 0, bytes: 0 };
    diff.set(key, { count: (count - base.count) / CLIENTS, bytes: (bytes - base.bytes) / CLIENTS });
  }
  return diff;
}

function report(bare: Tally, switchboard: Tally): void {
  const total = (t: Tally) => [...t.values()].reduce((sum, e) => sum + e.bytes, 0);
  console.log(`\nheap bytes per idle connection, ${CLIENTS} clients (self sizes from V8 heap snapshots)\n`);
  console.log(`total: bare ${total(bare).toFixed(0)} B, Switchboard ${total(switchboard).toFixed(0)} B\n`);
  const keys = new Set([...bare.keys(), ...switchboard.keys()]);
  const rows = [...keys]
    .map((key) => ({ key, bare: bare.get(key) ?? { count: 0, bytes: 0 }, sb: switchboard.get(key) ?? { count: 0, bytes: 0 } }))
    .filter((r) => Math.abs(r.sb.bytes) >= 8 || Math.abs(r.bare.bytes) >= 8)
    .sort((a, b) => Math.abs(b.sb.bytes - b.bare.bytes) - Math.abs(a.sb.bytes - a.bare.bytes));
  console.log('| group | bare B (objects) | Switchboard B (objects) | extra B |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows.slice(0, 30)) {
    const cell = (e: { count: number; bytes: number }) => `${e.bytes.toFixed(0)} (${e.count.toFixed(1)})`;
    console.log(`| ${r.key.slice(0, 60)} | ${cell(r.bare)} | ${cell(r.sb)} | ${(r.sb.bytes - r.bare.bytes).toFixed(0)} |`);
  }
}

/** The parent runs each target in a process of its own, so neither heap holds the other's leftovers. */
async function runTargetProcess(name: TargetName): Promise<Tally> {
  const child = fork(SELF, ['--role', 'server', '--target', name, '--clients', String(CLIENTS)], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (entries) => resolve(new Map(entries as [string, { count: number; bytes: number }][])));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${name} server process exited with ${code}`)));
  });
}

if (values.role === 'clients') {
  await runClients(values.url!, values.target as TargetName);
} else if (values.role === 'server') {
  const diff = await measureTarget(values.target as TargetName);
  process.send?.([...diff.entries()], () => process.exit(0));
} else {
  const bare = await runTargetProcess('bare');
  const switchboard = await runTargetProcess('switchboard');
  report(bare, switchboard);
}
