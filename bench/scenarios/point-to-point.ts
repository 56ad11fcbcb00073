/**
 * Client-driven closed loops: every client sends its next request when the
 * previous one is acknowledged.
 * - `point-to-point` (chat): pairs of users message each other with
 *   `message:send { receiverId }` (stored first on Switchboard); figures count the
 *   `message:new` arrivals at the peer, latency is send → peer receipt.
 * - `request-reply` (echo): `echo` with an ack, round-trip latency; the router's
 *   per-event cost (rate-limit lookup, zod validation, ack) with no fan-out.
 */
import type { DriveKind } from '../load/events.js';
import { LATENCY_METRICS, latency, openLoad } from './harness.js';
import type { MeasureContext, Scenario, Session } from './types.js';

const PAD_BYTES = 80;

function openLoop(kind: DriveKind) {
  return (ctx: MeasureContext): Promise<Session> =>
    openLoad(ctx, async (_server, cluster) => {
      if (kind === 'chat') await cluster.listen('message:new', () => 1000);
      return async (durationMs) => {
        await cluster.reset();
        const driven = await cluster.drive(kind, durationMs, PAD_BYTES);
        if (driven.errors > 0) throw new Error(`${driven.errors} of ${driven.sent} requests failed: ${JSON.stringify(driven.firstError)}`);
        // let the last messages reach their peers
        await new Promise((resolve) => setTimeout(resolve, 100));
        const got = await cluster.collect();
        return { messagesPerSec: got.received / (durationMs / 1000), ...latency(got.histogram) };
      };
    });
}

const sizes = (quick: boolean) => (quick ? [50] : [100, 1000]);

export const pointToPoint: Scenario = {
  name: 'point-to-point',
  title: 'Point-to-point chat: pairs of users, message:send → message:new',
  metrics: [{ key: 'messagesPerSec', label: 'messages/s', higherIsBetter: true }, ...LATENCY_METRICS],
  cases: (quick) => [
    ...sizes(quick).map((clients) => ({ scenario: 'point-to-point', variant: 'chat', clients, requires: 'chat' as const })),
    // The same with the PostgreSQL store (bare runs again, interleaved, for a same-time ratio).
    ...(quick
      ? []
      : [
          {
            scenario: 'point-to-point',
            variant: 'chat on PostgreSQL',
            clients: 1000,
            requires: 'chat' as const,
            server: { store: 'postgres' as const },
          },
        ]),
  ],
  open: openLoop('chat'),
};

export const requestReply: Scenario = {
  name: 'request-reply',
  title: 'Request-reply: echo with an ack, every client in a closed loop',
  metrics: [{ key: 'messagesPerSec', label: 'requests/s', higherIsBetter: true }, ...LATENCY_METRICS],
  cases: (quick) => sizes(quick).map((clients) => ({ scenario: 'request-reply', variant: 'echo', clients })),
  open: openLoop('echo'),
};
