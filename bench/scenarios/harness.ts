/**
 * The shared steps of every scenario: start a server child and the load workers,
 * connect the clients (JWTs for Switchboard, a plain user id for bare), warm up,
 * repeat the measured run, and stop everything whatever happens.
 */
import { LoadCluster } from '../load/cluster.js';
import { userName } from '../load/events.js';
import { ServerProcess } from '../targets/server-process.js';
import { BENCH_SECRET } from '../targets/target.js';
import type { LoadBody, MeasureContext, Metrics } from './types.js';

export function users(count: number): string[] {
  return Array.from({ length: count }, (_, i) => userName(i));
}

/** Starts a server and workers, connects `ctx.spec.clients` users, runs `body`, stops both. */
export async function withLoad(ctx: MeasureContext, body: LoadBody): Promise<Metrics[]> {
  // Server and workers boot in parallel (each child compiles its TypeScript on start).
  let server: ServerProcess | undefined;
  const [serverStart, clusterStart] = await Promise.allSettled([
    ServerProcess.start(ctx.server),
    LoadCluster.start(ctx.settings.workers, (total) => server?.setDelivered(total)),
  ]);
  server = serverStart.status === 'fulfilled' ? serverStart.value : undefined;
  const cluster = clusterStart.status === 'fulfilled' ? clusterStart.value : undefined;
  try {
    if (!server || !cluster) throw serverStart.status === 'rejected' ? serverStart.reason : (clusterStart as PromiseRejectedResult).reason;
    const secret = ctx.server.target === 'switchboard' ? BENCH_SECRET : undefined;
    const summary = await cluster.connect(server.url, users(ctx.spec.clients), { secret });
    if (summary.failed > 0) throw new Error(`${summary.failed} of ${ctx.spec.clients} clients failed to connect: ${summary.firstError}`);
    ctx.progress(`${summary.connected} clients connected`);
    return await body(server, cluster);
  } finally {
    await cluster?.stop();
    await server?.stop();
  }
}

/** One unrecorded warm-up run, then `runs` measured ones. */
export async function repeat(ctx: MeasureContext, run: (durationMs: number) => Promise<Metrics>): Promise<Metrics[]> {
  await run(ctx.settings.warmupMs);
  const results: Metrics[] = [];
  for (let i = 0; i < ctx.settings.runs; i++) {
    const metrics = await run(ctx.settings.durationMs);
    ctx.progress(`run ${i + 1}/${ctx.settings.runs}: ${formatMetrics(metrics)}`);
    results.push(metrics);
  }
  return results;
}

export function formatMetrics(metrics: Metrics): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key} ${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)}`)
    .join(', ');
}

/** Latency figures of a collected histogram. */
export function latency(histogram: { percentile(p: number): number }): Metrics {
  return { p50Ms: histogram.percentile(50), p99Ms: histogram.percentile(99) };
}

export const LATENCY_METRICS = [
  { key: 'p50Ms', label: 'p50 latency (ms)', higherIsBetter: false, digits: 2 },
  { key: 'p99Ms', label: 'p99 latency (ms)', higherIsBetter: false, digits: 2 },
];
