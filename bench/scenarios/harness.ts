/**
 * The shared steps of every scenario: start a server child and the load workers,
 * connect the clients (JWTs for Switchboard, a plain user id for bare), and stop
 * everything on close or on a failed start.
 */
import { LoadCluster } from '../load/cluster.js';
import { userName } from '../load/events.js';
import { ServerProcess } from '../targets/server-process.js';
import { BENCH_SECRET } from '../targets/target.js';
import type { MeasureContext, Metrics, Session, SessionBody } from './types.js';

export function users(count: number): string[] {
  return Array.from({ length: count }, (_, i) => userName(i));
}

/** Starts a server and workers, connects `ctx.spec.clients` users and lets `body` prepare the measured run. */
export async function openLoad(ctx: MeasureContext, body: SessionBody): Promise<Session> {
  // Server and workers boot in parallel (each child compiles its TypeScript on start).
  let server: ServerProcess | undefined;
  const [serverStart, clusterStart] = await Promise.allSettled([
    ServerProcess.start(ctx.server),
    LoadCluster.start(ctx.settings.workers, (total) => server?.setDelivered(total)),
  ]);
  server = serverStart.status === 'fulfilled' ? serverStart.value : undefined;
  const cluster = clusterStart.status === 'fulfilled' ? clusterStart.value : undefined;
  const close = async () => {
    await cluster?.stop();
    await server?.stop();
  };
  try {
    if (!server || !cluster) throw serverStart.status === 'rejected' ? serverStart.reason : (clusterStart as PromiseRejectedResult).reason;
    const secret = ctx.server.target === 'switchboard' ? BENCH_SECRET : undefined;
    const summary = await cluster.connect(server.url, users(ctx.spec.clients), { secret });
    if (summary.failed > 0) throw new Error(`${summary.failed} of ${ctx.spec.clients} clients failed to connect: ${summary.firstError}`);
    ctx.progress(`${summary.connected} clients connected`);
    return { run: await body(server, cluster), close };
  } catch (err) {
    await close();
    throw err;
  }
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
