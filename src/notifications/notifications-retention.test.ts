/** Retention: the background service enforces the per-user cap and the age limit while delivery goes on. */
import { describe, expect, it } from 'vitest';
import { listFor, notifyVia, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import { newId } from '../core/ids.js';
import type { Notification } from '../protocol/shapes.js';
import { notificationRow } from './notification-content.js';
import { NotificationsRepo } from './notifications-repo.js';

describe('notification retention', () => {
  it('drops the oldest beyond maxPerUser, in the background', async () => {
    const server = await startTestServer({ config: { notifications: { maxPerUser: 5, retentionIntervalMs: 50 } } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push((await notifyVia(server, { userId: 'cap', type: 'info', title: `#${i}`, message: 'm' })).body.ids[0]);
    await notifyVia(server, { userId: 'small', type: 'info', title: 'only one', message: 'm' });

    const kept = await waitFor(async () => {
      const list = (await listFor(server, 'cap')).body.notifications as Notification[];
      return list.length === 5 ? list : undefined;
    });
    expect(kept.map((n) => n.id)).toEqual(ids.slice(3).reverse());
    expect((await listFor(server, 'small')).body.notifications).toHaveLength(1);
  });

  it('drops notifications older than maxAgeDays and keeps recent ones', async () => {
    const server = await startTestServer({ config: { notifications: { maxAgeDays: 30, retentionIntervalMs: 50 } } });
    const repo = new NotificationsRepo(server.switchboard.context.store);
    const old = Date.now() - 31 * 86_400_000;
    const content = { type: 'info' as const, kind: null, title: 'old', message: 'm', data: null };
    await repo.insert(Array.from({ length: 3 }, () => notificationRow(newId(), 'aged', content, old)));
    const fresh = (await notifyVia(server, { userId: 'aged', type: 'info', title: 'fresh', message: 'm' })).body.ids[0];

    const kept = await waitFor(async () => {
      const list = (await listFor(server, 'aged')).body.notifications as Notification[];
      return list.length === 1 ? list : undefined;
    });
    expect(kept.map((n) => n.id)).toEqual([fresh]);
  });
});
