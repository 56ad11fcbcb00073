/**
 * Fan-out: N subscribers on one channel; the server publishes ~100-byte messages
 * as fast as the clients keep up (closed loop with a window, see server-child.ts).
 * Variants: `channel` (Switchboard `publish('bench:1', 'tick', …)`, bare
 * `io.to(room).emit`), `channel+history` (publications stored with offsets first)
 * and `broadcast` (`sb.broadcast()` / `io.emit`, available on every build).
 */
import type { ListenEvent } from '../load/events.js';
import type { PaceKind } from '../targets/server-child.js';
import { BENCH_CHANNELS } from '../targets/target.js';
import { LATENCY_METRICS, latency, openLoad } from './harness.js';
import type { CaseSpec, Scenario } from './types.js';

const VARIANTS: Record<string, { kind: PaceKind; event: ListenEvent; channel?: string }> = {
  broadcast: { kind: 'broadcast', event: 'broadcast' },
  channel: { kind: 'publish', event: 'tick', channel: BENCH_CHANNELS.plain },
  'channel+history': { kind: 'publish', event: 'tick', channel: BENCH_CHANNELS.history },
};

/** Padding that makes a publication's JSON about 100 bytes. */
const PAD_BYTES = 60;

export const fanOut: Scenario = {
  name: 'fan-out',
  title: 'Fan-out: one channel, N subscribers',
  metrics: [
    { key: 'deliveriesPerSec', label: 'deliveries/s', higherIsBetter: true },
    { key: 'publishesPerSec', label: 'publishes/s', higherIsBetter: true },
    ...LATENCY_METRICS,
  ],
  cases(quick) {
    const sizes = quick ? [50, 500] : [100, 1000, 5000];
    const cases: CaseSpec[] = [];
    for (const clients of sizes) {
      cases.push({ scenario: 'fan-out', variant: 'broadcast', clients });
      cases.push({ scenario: 'fan-out', variant: 'channel', clients, requires: 'publish' });
      // history costs a store write per publication: one size is enough to show it
      if (!quick && clients === 1000) cases.push({ scenario: 'fan-out', variant: 'channel+history', clients, requires: 'publish' });
    }
    return cases;
  },
  open(ctx) {
    const variant = VARIANTS[ctx.spec.variant];
    if (!variant) throw new Error(`unknown fan-out variant ${ctx.spec.variant}`);
    const n = ctx.spec.clients;
    return openLoad(ctx, async (server, cluster) => {
      if (variant.channel) {
        const subscribed = await cluster.subscribe(variant.channel);
        if (subscribed.failed > 0) throw new Error(`${subscribed.failed} subscribes failed: ${JSON.stringify(subscribed.firstError)}`);
      }
      // A worker reports once per publication's worth of receipts.
      await cluster.listen(variant.event, (clients) => clients);
      return async (durationMs) => {
        await cluster.reset();
        const paced = await server.pace({
          kind: variant.kind,
          durationMs,
          // about 2,000 deliveries in flight, at least two publications
          window: Math.max(2, Math.ceil(2000 / n)),
          perItem: n,
          channel: variant.channel,
          payloadBytes: PAD_BYTES,
        });
        const got = await cluster.collect();
        const seconds = Math.max(1e-3, (got.lastAt - paced.startedAt) / 1000);
        if (paced.errors > 0) throw new Error(`${paced.errors} publishes failed`);
        return {
          deliveriesPerSec: got.received / seconds,
          publishesPerSec: paced.sent / seconds,
          ...latency(got.histogram),
          lost: paced.sent * n - got.received,
        };
      };
    });
  },
};
