/**
 * Connections: a storm of N clients connecting at once (JWT auth on Switchboard,
 * none on bare), then idle. Figures: connect rate (handshake to `connected`), how
 * many fit, and the server's RSS and heap growth per connection after a full GC.
 * Every run starts a fresh server so the memory baseline is clean.
 */
import { LoadCluster } from '../load/cluster.js';
import { ServerProcess } from '../targets/server-process.js';
import { BENCH_SECRET } from '../targets/target.js';
import { formatMetrics, users } from './harness.js';
import type { Metrics, Scenario } from './types.js';

/** Handshakes in flight per worker during the storm. */
const CONCURRENCY = 250;

export const connections: Scenario = {
  name: 'connections',
  title: 'Connection storm and idle connections',
  metrics: [
    { key: 'connectsPerSec', label: 'connects/s', higherIsBetter: true },
    { key: 'connected', label: 'connected', higherIsBetter: true },
    { key: 'rssKiBPerConn', label: 'RSS KiB/conn', higherIsBetter: false, digits: 1 },
    { key: 'heapKiBPerConn', label: 'heap KiB/conn', higherIsBetter: false, digits: 1 },
  ],
  cases: (quick) => (quick ? [500] : [5000, 10_000]).map((clients) => ({ scenario: 'connections', variant: 'storm', clients })),
  async measure(ctx) {
    const results: Metrics[] = [];
    for (let i = 0; i < ctx.settings.runs; i++) {
      const server = await ServerProcess.start(ctx.server);
      let cluster: LoadCluster | undefined;
      try {
        cluster = await LoadCluster.start(ctx.settings.workers, () => {});
        const before = await server.memory();
        const secret = ctx.server.target === 'switchboard' ? BENCH_SECRET : undefined;
        const storm = await cluster.connect(server.url, users(ctx.spec.clients), { secret, concurrency: CONCURRENCY });
        const after = await server.memory();
        const n = Math.max(1, storm.connected);
        const metrics: Metrics = {
          connectsPerSec: storm.connected / ((storm.finishedAt - storm.startedAt) / 1000),
          connected: storm.connected,
          rssKiBPerConn: (after.rss - before.rss) / 1024 / n,
          heapKiBPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
        };
        ctx.progress(
          `run ${i + 1}/${ctx.settings.runs}: ${formatMetrics(metrics)}${storm.failed ? ` (${storm.failed} failed: ${storm.firstError})` : ''}`,
        );
        results.push(metrics);
      } finally {
        await cluster?.stop();
        await server.stop();
      }
    }
    return results;
  },
};
