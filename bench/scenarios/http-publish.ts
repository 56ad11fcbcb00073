/**
 * Fan-out through `POST /api/publish`, the path an app backend uses: N subscribers
 * of `bench:1`, publications sent over HTTP (keep-alive, API key on Switchboard)
 * from the orchestrating process. Variants:
 * - `window`: a closed loop (about 2,000 deliveries in flight), for deliveries/s;
 * - `fixed rate`: 20 publications/s on both targets, for latency at equal load;
 * - `flat-out`: 16 requests always in flight however fast the sockets drain: bare
 *   queues without bound, Switchboard holds requests back or answers 429
 *   (`publish.maxQueuedPerSocket`), which `refused/s` counts.
 */
import { type HttpPublishOptions, publishOverHttp } from '../load/http-publisher.js';
import { BENCH_API_KEY, BENCH_CHANNELS } from '../targets/target.js';
import { LATENCY_METRICS, latency, openLoad } from './harness.js';
import type { CaseSpec, Scenario } from './types.js';

const PAD_BYTES = 60;
const FIXED_RATE = 20;

function modeOf(variant: string, clients: number): HttpPublishOptions['mode'] {
  if (variant === 'fixed rate') return { kind: 'rate', perSecond: FIXED_RATE };
  if (variant === 'flat-out') return { kind: 'flat-out', concurrency: 16 };
  return { kind: 'window', window: Math.max(2, Math.ceil(2000 / clients)) };
}

export const httpPublish: Scenario = {
  name: 'http-publish',
  title: 'Fan-out through POST /api/publish (the app backend path)',
  metrics: [
    { key: 'deliveriesPerSec', label: 'deliveries/s', higherIsBetter: true },
    { key: 'publishesPerSec', label: 'publishes/s', higherIsBetter: true },
    ...LATENCY_METRICS,
    { key: 'refusedPerSec', label: '429 refused/s', higherIsBetter: false },
  ],
  cases(quick) {
    const clients = quick ? 200 : 1000;
    const variants = quick ? ['window'] : ['window', 'fixed rate', 'flat-out'];
    return variants.map((variant): CaseSpec => ({ scenario: 'http-publish', variant, clients, requires: 'publish' }));
  },
  open(ctx) {
    const n = ctx.spec.clients;
    const mode = modeOf(ctx.spec.variant, n);
    return openLoad(ctx, async (server, cluster) => {
      const subscribed = await cluster.subscribe(BENCH_CHANNELS.plain);
      if (subscribed.failed > 0) throw new Error(`${subscribed.failed} subscribes failed: ${JSON.stringify(subscribed.firstError)}`);
      await cluster.listen('tick', (clients) => clients);
      return async (durationMs) => {
        await cluster.reset();
        const sent = await publishOverHttp(cluster, {
          url: server.url,
          apiKey: BENCH_API_KEY,
          channel: BENCH_CHANNELS.plain,
          durationMs,
          perItem: n,
          payloadBytes: PAD_BYTES,
          mode,
        });
        if (sent.errors > 0) throw new Error(`${sent.errors} of ${sent.sent} publishes failed: ${sent.firstError}`);
        const got = await cluster.collect();
        const seconds = Math.max(1e-3, (got.lastAt - sent.startedAt) / 1000);
        return {
          deliveriesPerSec: got.received / seconds,
          publishesPerSec: sent.accepted / seconds,
          ...latency(got.histogram),
          refusedPerSec: sent.refused / (durationMs / 1000),
        };
      };
    });
  },
};
