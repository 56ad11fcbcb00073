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
  cases: (quick) =>
    (quick ? [50] : [100, 1000]).map((clients) => ({ scenario: 'notifications', variant: 'notify', clients, requires: 'notify' })),
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
