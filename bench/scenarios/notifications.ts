/**
 * Persisted notifications to online users: the server calls
 * `notify({ userId, type: 'info', title, message, data })` round-robin over N online
 * users with a window of notifications in flight (Switchboard stores each one
 * before emitting it); the bare ceiling emits `notification` to the user's room.
 */
import { LATENCY_METRICS, latency, openLoad, users } from './harness.js';
import type { Scenario } from './types.js';

export const notifications: Scenario = {
  name: 'notifications',
  title: 'Persisted notifications to online users',
  metrics: [{ key: 'notificationsPerSec', label: 'notifications/s', higherIsBetter: true }, ...LATENCY_METRICS],
  cases: (quick) => [
    ...(quick ? [50] : [100, 1000]).map((clients) => ({
      scenario: 'notifications',
      variant: 'notify',
      clients,
      requires: 'notify' as const,
    })),
    // The same with the PostgreSQL store (bare runs again, interleaved, for a same-time ratio).
    ...(quick
      ? []
      : [
          {
            scenario: 'notifications',
            variant: 'notify on PostgreSQL',
            clients: 1000,
            requires: 'notify' as const,
            server: { store: 'postgres' as const },
          },
        ]),
  ],
  open(ctx) {
    const recipients = users(ctx.spec.clients);
    return openLoad(ctx, async (server, cluster) => {
      await cluster.listen('notification', () => 16);
      return async (durationMs) => {
        await cluster.reset();
        const paced = await server.pace({ kind: 'notify', durationMs, window: 128, perItem: 1, users: recipients, payloadBytes: 40 });
        if (paced.errors > 0) throw new Error(`${paced.errors} notify calls failed`);
        const got = await cluster.collect();
        const seconds = Math.max(1e-3, (got.lastAt - paced.startedAt) / 1000);
        return { notificationsPerSec: got.received / seconds, ...latency(got.histogram) };
      };
    });
  },
};

/**
 * One notify call to N online users (`notify({ userIds })`: stored, then delivered to
 * every device; bare: an emit per user). Figures: time from the call to the last
 * receipt, the call's own duration, and the per-recipient latency.
 */
export const notifyMany: Scenario = {
  name: 'notify-many',
  title: 'One notify call to N online users',
  metrics: [
    { key: 'allDeliveredMs', label: 'all delivered (ms)', higherIsBetter: false, digits: 1 },
    { key: 'calledMs', label: 'call returned (ms)', higherIsBetter: false, digits: 1 },
    ...LATENCY_METRICS,
  ],
  cases: (quick) => [{ scenario: 'notify-many', variant: 'one call', clients: quick ? 500 : 10_000, requires: 'notify' }],
  open(ctx) {
    const recipients = users(ctx.spec.clients);
    return openLoad(ctx, async (server, cluster) => {
      await cluster.listen('notification', (clients) => clients);
      return async () => {
        await cluster.reset();
        const base = cluster.delivered;
        const call = await server.notifyMany(recipients);
        const waitUntil = Date.now() + 30_000;
        while (cluster.delivered - base < recipients.length && Date.now() < waitUntil) await cluster.waitForProgress(50);
        const got = await cluster.collect();
        if (got.received < recipients.length)
          throw new Error(`${recipients.length - got.received} of ${recipients.length} notifications not delivered`);
        return { allDeliveredMs: got.lastAt - call.startedAt, calledMs: call.calledMs, ...latency(got.histogram) };
      };
    });
  },
};
