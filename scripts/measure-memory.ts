/**
 * What one idle connection costs the server's heap, by constructor (issue 10).
 *
 *   npx tsx --expose-gc scripts/measure-memory.ts [--target switchboard|bare] [--clients 2000]
 *
 * Runs the target in this process (Switchboard as the bench runs it: SQLite file,
 * JWT auth, silent logs; or the bare Socket.IO ceiling), connects `clients` idle
 * sockets from two load-worker processes, and diffs two V8 heap snapshots taken
 * after a full GC: before and after the connections. Prints RSS and heap growth per
 * connection (read before the second snapshot, which itself takes memory) and the
 * biggest contributors (self size per connection).
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { LoadCluster } from '../bench/load/cluster.js';
import { users } from '../bench/scenarios/harness.js';
import { createBareTarget } from '../bench/targets/bare.js';
import { createSwitchboardTarget } from '../bench/targets/switchboard.js';
import { BENCH_SECRET } from '../bench/targets/target.js';

const { values } = parseArgs({
  options: { target: { type: 'string', default: 'switchboard' }, clients: { type: 'string', default: '2000' } },
});
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

async function sizesByKind(session: Session): Promise<Map<string, { bytes: number; count: number }>> {
  gc?.();
  let json = '';
  const onChunk = (m: { params: { chunk: string } }) => {
    json += m.params.chunk;
  };
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(json) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType] as number] as string;
    const name = snap.strings[snap.nodes[i + iName] as number] as string;
    const key = type === 'object' || type === 'closure' ? `${name}${type === 'closure' ? ' (closure)' : ''}` : `(${type})`;
    const entry = out.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snap.nodes[i + iSize] as number;
    entry.count += 1;
    out.set(key, entry);
  }
  return out;
}

async function main(): Promise<void> {
  const n = Number(values.clients);
  const target =
    values.target === 'bare' ? await createBareTarget({ target: 'bare' }) : await createSwitchboardTarget({ target: 'switchboard' });
  const secret = values.target === 'bare' ? undefined : BENCH_SECRET;
  // Warm-up: the first connections compile code and grow pools; they are not per connection.
  const warm = await LoadCluster.start(2, () => {});
  await warm.connect(
    target.url,
    users(Math.ceil(n / 4)).map((u) => `warm-${u}`),
    { secret, concurrency: 250 },
  );
  await warm.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cluster = await LoadCluster.start(2, () => {});
  const session = new Session();
  session.connect();
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const before = await sizesByKind(session);
  const result = await cluster.connect(target.url, users(n), { secret, concurrency: 250 });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  gc?.();
  const usage = process.memoryUsage();
  const after = await sizesByKind(session);
  console.log(`${values.target}: ${result.connected} connected (${result.failed} failed)`);
  console.log(
    `RSS ${((usage.rss - rssBefore) / 1024 / n).toFixed(1)} KiB/conn, heap ${((usage.heapUsed - heapBefore) / 1024 / n).toFixed(1)} KiB/conn`,
  );
  const rows = [...after.entries()]
    .map(([key, a]) => ({ key, bytes: a.bytes - (before.get(key)?.bytes ?? 0), count: a.count - (before.get(key)?.count ?? 0) }))
    .filter((r) => r.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, 30);
  for (const r of rows)
    console.log(`${(r.bytes / n).toFixed(0).padStart(6)} B/conn  ${(r.count / n).toFixed(2).padStart(6)} objs/conn  ${r.key}`);
  session.disconnect();
  await cluster.stop();
  await target.stop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
