/**
 * Connections: a storm of N clients connecting at once (JWT auth on Switchboard,
 * none on bare), then idle. Figures: connect rate (handshake to `connected`), how
 * many fit, and the server's RSS and heap growth per connection after a full GC.
 * Every run starts a fresh server so the memory baseline is clean.
 */
import { LoadCluster } from '../load/cluster.js';
import { ServerProcess } from '../targets/server-process.js';
import { BENCH_SECRET } from '../targets/target.js';
import { users } from './harness.js';
import type { MeasureContext, Metrics, Scenario } from './types.js';

/** Handshakes in flight per worker during the storm. */
const CONCURRENCY = 250;

async function storm(ctx: MeasureContext): Promise<Metrics> {
  const server = await ServerProcess.start(ctx.server);
  let cluster: LoadCluster | undefined;
  try {
    cluster = await LoadCluster.start(ctx.settings.workers, () => {});
    const before = await server.memory();
    const secret = ctx.server.target === 'switchboard' ? BENCH_SECRET : undefined;
    const result = await cluster.connect(server.url, users(ctx.spec.clients), { secret, concurrency: CONCURRENCY });
    const after = await server.memory();
    if (result.failed > 0) ctx.progress(`${result.failed} failed to connect: ${result.firstError}`);
    const n = Math.max(1, result.connected);
    return {
      connectsPerSec: result.connected / ((result.finishedAt - result.startedAt) / 1000),
      connected: result.connected,
      rssKiBPerConn: (after.rss - before.rss) / 1024 / n,
      heapKiBPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
    };
  } finally {
    await cluster?.stop();
    await server.stop();
  }
}

export const connections: Scenario = {
  name: 'connections',
  title: 'Connection storm and idle connections',
  metrics: [
    { key: 'connectsPerSec', label: 'connects/s', higherIsBetter: true },
    { key: 'connected', label: 'connected', higherIsBetter: true },
    { key: 'rssKiBPerConn', label: 'RSS KiB/conn', higherIsBetter: false, digits: 1 },
    { key: 'heapKiBPerConn', label: 'heap KiB/conn', higherIsBetter: false, digits: 1 },
  ],
  // The largest size checks how many fit; one run of it is enough.
  cases: (quick) =>
    quick
      ? [{ scenario: 'connections', variant: 'storm', clients: 500 }]
      : [
          { scenario: 'connections', variant: 'storm', clients: 5000 },
          { scenario: 'connections', variant: 'storm', clients: 10_000, runs: 1 },
        ],
  warmup: false,
  async open(ctx) {
    return { run: () => storm(ctx), close: async () => {} };
  },
};
