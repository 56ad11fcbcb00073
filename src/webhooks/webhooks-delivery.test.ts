/**
 * Delivery guarantees against a real receiver that verifies every signature: retries
 * after a 500 and after a timeout carry the same `webhook-id`, an endpoint that is down
 * across a server restart gets the event once after it, the `events` filter, and the
 * deliveries API (list by status, retry, who may call it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll } from '../../test/support/cleanup.js';
import { tempSqliteUrl } from '../../test/support/notifications-kit.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';
import {
  type ReceiverAnswer,
  startWebhookReceiver,
  type WebhookAttempt,
  type WebhookReceiver,
} from '../../test/support/webhook-receiver.js';
import type { SwitchboardConfigInput } from '../config/schema.js';

afterEach(cleanupAll);

const FAST = { pollIntervalMs: 50, retry: { initialDelayMs: 50, maxDelayMs: 200 } };

function endpoint(receiver: WebhookReceiver, extra: Record<string, unknown> = {}) {
  return { url: receiver.url, secret: receiver.secret, ...extra };
}

async function notify(server: TestServer, userId = 'u1'): Promise<string> {
  const res = await server.request('POST', '/api/notify', { apiKey: true, body: { userId, type: 'info', title: 'T', message: 'M' } });
  expect(res.status).toBe(202);
  return res.body.ids[0];
}

async function deliveries(server: TestServer, query = ''): Promise<any[]> {
  const res = await server.request('GET', `/api/webhooks/deliveries${query}`, { apiKey: true });
  expect(res.status).toBe(200);
  return res.body.deliveries;
}

/** Answers the first attempt of each webhook-id with `first`, the later ones with `then`. */
function firstThen(first: ReceiverAnswer, then: ReceiverAnswer) {
  const seen = new Set<string>();
  return (attempt: WebhookAttempt): ReceiverAnswer => {
    if (seen.has(attempt.webhookId)) return then;
    seen.add(attempt.webhookId);
    return first;
  };
}

function startWith(config: SwitchboardConfigInput) {
  return startTestServer({ config });
}

describe('webhook delivery', () => {
  it('retries after a 500 with the same webhook-id, then succeeds', async () => {
    const receiver = await startWebhookReceiver();
    receiver.answer(firstThen(500, 204));
    const server = await startWith({ webhooks: [endpoint(receiver)], webhook: FAST });
    await notify(server);
    const event = await waitFor(() => receiver.events('notification.created')[0], 10_000, 'the retried delivery');
    const attempts = receiver.attempts.filter((a) => a.webhookId === event.id);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.payload).toEqual(attempts[0]?.payload);
    const [row] = await waitFor(async () => {
      const list = await deliveries(server, '?status=succeeded');
      return list.length === 1 ? list : undefined;
    });
    expect(row).toMatchObject({ id: event.id, type: 'notification.created', status: 'succeeded', attempts: 2, lastStatus: 204 });
    expect(receiver.invalid).toEqual([]);
  });

  it('retries after a timeout with the same webhook-id', async () => {
    const receiver = await startWebhookReceiver();
    receiver.answer(firstThen('hang', 200));
    const server = await startWith({ webhooks: [endpoint(receiver, { timeoutMs: 300 })], webhook: FAST });
    await notify(server);
    const event = await waitFor(() => receiver.events('notification.created')[0], 10_000, 'the delivery after the timeout');
    expect(receiver.attempts.filter((a) => a.webhookId === event.id)).toHaveLength(2);
    expect(receiver.accepted.filter((a) => a.webhookId === event.id)).toHaveLength(1);
    expect(receiver.invalid).toEqual([]);
  });

  it('delivers once after a restart what it could not deliver before (SQLite file store)', async () => {
    const receiver = await startWebhookReceiver();
    await receiver.close();
    const config = { database: { url: tempSqliteUrl() }, webhooks: [endpoint(receiver)], webhook: FAST };
    const before = await startTestServer({ config, manualStop: true });
    await notify(before);
    // The endpoint refuses connections: the delivery waits for its next attempt.
    const [pending] = await waitFor(async () => {
      const list = await deliveries(before, '?status=pending');
      return list[0]?.attempts >= 1 ? list : undefined;
    });
    expect(pending.lastError).toBeTruthy();
    expect(pending.lastStatus).toBeNull();
    await before.stop();

    await receiver.reopen();
    const after = await startTestServer({ config });
    await waitFor(async () => (await deliveries(after, '?status=succeeded')).length === 1, 10_000, 'the delivery after the restart');
    expect(receiver.accepted.map((a) => a.webhookId)).toEqual([pending.id]);
    expect(await deliveries(after, '?status=pending')).toEqual([]);
    expect(receiver.invalid).toEqual([]);
  });

  it('sends an endpoint only the types of its `events` filter', async () => {
    const all = await startWebhookReceiver();
    const some = await startWebhookReceiver();
    const server = await startWith({
      webhooks: [endpoint(all), endpoint(some, { events: ['notification.created'] })],
      webhook: FAST,
    });
    await server.connect('u1');
    await waitFor(() => all.events('user.online').length === 1, 10_000, 'user.online');
    await notify(server, 'u1');
    await waitFor(() => all.events('notification.created').length === 1, 10_000, 'notification on the first endpoint');
    await waitFor(() => some.events('notification.created').length === 1, 10_000, 'notification on the filtered endpoint');
    // The filter is applied when the event is stored: no row for the other types exists.
    const rows = await deliveries(server);
    expect(rows.filter((r) => r.endpoint === some.url).map((r) => r.type)).toEqual(['notification.created']);
    expect(some.attempts.map((a) => a.payload.type)).toEqual(['notification.created']);
    // The same event carries the same id to both endpoints.
    expect(some.accepted[0]?.webhookId).toBe(all.events('notification.created')[0]?.id);
  });

  it('an endpoint that does not answer holds up no other endpoint', async () => {
    const live = await startWebhookReceiver();
    const stuck = await startWebhookReceiver();
    stuck.answer(() => 'hang');
    const server = await startWith({
      webhooks: [endpoint(stuck, { timeoutMs: 60_000 }), endpoint(live)],
      webhook: { ...FAST, concurrency: 1 },
    });
    for (const userId of ['u1', 'u2', 'u3']) await notify(server, userId);
    await waitFor(() => live.events('notification.created').length === 3, 10_000, 'all three on the live endpoint');
    // Meanwhile the stuck endpoint still holds its first request open, with nothing recorded.
    expect(stuck.attempts).toHaveLength(1);
    const stuckRows = (await deliveries(server)).filter((row) => row.endpoint === stuck.url);
    expect(stuckRows.map((row) => [row.status, row.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it('lists failed deliveries with their last error and retries them on request', async () => {
    const receiver = await startWebhookReceiver();
    let up = false;
    receiver.answer(() => (up ? 204 : 500));
    const server = await startWith({
      webhooks: [endpoint(receiver)],
      webhook: { pollIntervalMs: 50, retry: { initialDelayMs: 20, maxDelayMs: 50, windowMs: 150 } },
    });
    await notify(server);
    const [failed] = await waitFor(async () => {
      const list = await deliveries(server, '?status=failed');
      return list.length === 1 ? list : undefined;
    });
    expect(failed).toMatchObject({
      type: 'notification.created',
      status: 'failed',
      lastStatus: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: null,
    });
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    const overview = await server.request('GET', '/api/admin/overview', { apiKey: true });
    expect(overview.body.status.find((row: { name: string }) => row.name === 'webhooks')).toMatchObject({
      state: 'degraded',
      details: { pending: 0, recentFailures: 1 },
    });
    expect(receiver.attempts.filter((a) => a.webhookId === failed.id)).toHaveLength(failed.attempts);

    expect((await server.request('GET', '/api/webhooks/deliveries')).status).toBe(401);
    expect((await server.request('GET', '/api/webhooks/deliveries', { token: await server.token('u1') })).status).toBe(403);
    expect((await server.request('GET', '/api/webhooks/deliveries?status=nope', { apiKey: true })).status).toBe(400);
    const admin = await server.token('root', { roles: ['admin'] });
    expect((await server.request('GET', '/api/webhooks/deliveries?limit=1', { token: admin })).body.deliveries).toHaveLength(1);
    expect((await server.request('POST', '/api/webhooks/deliveries/msg_nope/retry', { apiKey: true })).status).toBe(404);

    up = true;
    const retried = await server.request('POST', `/api/webhooks/deliveries/${failed.id}/retry`, { apiKey: true });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ ok: true, id: failed.id, retried: 1 });
    await waitFor(async () => (await deliveries(server, '?status=succeeded')).length === 1, 10_000, 'the retried delivery');
    expect(receiver.accepted.map((a) => a.webhookId)).toEqual([failed.id]);
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.body).toContain('switchboard_webhook_sent_total');
    expect(metrics.body).toContain('switchboard_webhook_failed_total');
    expect(metrics.body).toContain('switchboard_webhook_queue_depth');
    expect((await server.request('GET', '/ready')).status).toBe(200);
  });
});
