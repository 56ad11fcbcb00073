/**
 * The outbox's claims on SQLite and PostgreSQL: two nodes claiming at once never hold
 * the same row, a node whose lease ran out writes nothing over the new holder, and
 * the retry schedule grows, is capped, and ends with the window.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { loadConfig } from '../features.js';
import { resolveEndpoints } from './endpoints.js';
import { OutboxRepo } from './outbox-repo.js';
import { nextAttemptAt } from './retry-schedule.js';

const A = 'http://127.0.0.1:1/a';
const B = 'http://127.0.0.1:1/b';

const config = loadConfig({
  env: {},
  overrides: {
    webhooks: [
      { url: A, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      { url: B, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', events: ['user.online'] },
    ],
  },
});

describeEachStore('webhook outbox', (handle) => {
  beforeEach(async () => {
    await handle.store.db.deleteFrom('webhook_deliveries').execute();
  });

  it('stores one row per wanted endpoint, and hands each to one claimer', async () => {
    const repo = new OutboxRepo(handle.store, resolveEndpoints(config));
    await handle.store.db.transaction().execute(async (trx) => {
      await repo.insert(
        trx,
        Array.from({ length: 50 }, (_, i) => ({ type: 'user.online' as const, data: { userId: `u${i}`, status: 'online' as const } })),
      );
      await repo.insert(trx, [{ type: 'channel.occupied', data: { channel: 'room:1' } }]);
    });
    const rows = await repo.list({ limit: 500 });
    expect(rows).toHaveLength(101);
    const occupied = rows.filter((r) => r.type === 'channel.occupied');
    expect(occupied.map((r) => r.endpoint)).toEqual([A]);

    const lease = { endpoint: A, limit: 30, leaseMs: 60_000 };
    const [first, second] = await Promise.all([repo.claimDue('node-a', lease), repo.claimDue('node-b', lease)]);
    // On PostgreSQL the loser of a row lock may come back with fewer rows (its LIMIT was
    // taken before the winner committed); what matters is that no row is held twice.
    const claimed = [...first.rows, ...second.rows];
    for (let round = 0; round < 5 && claimed.length < 51; round++) claimed.push(...(await repo.claimDue('node-b', lease)).rows);
    expect(new Set(claimed.map((r) => r.id)).size).toBe(claimed.length);
    expect(claimed.length).toBe(51);
    expect(claimed.every((r) => r.endpoint === A)).toBe(true);
    // The other endpoint's lane claims its own rows only.
    const other = await repo.claimDue('node-a', { endpoint: B, limit: 500, leaseMs: 60_000 });
    expect(other.rows.map((r) => r.type)).toEqual(Array(50).fill('user.online'));

    // Node A's lease runs out; node C takes its rows over; A's late result is not written.
    const takeover = await repo.claimDue('node-c', { endpoint: A, limit: 500, leaseMs: 60_000, now: Date.now() + 120_000 });
    expect(takeover.rows.length).toBe(51);
    await repo.finish(
      first.token,
      first.rows.map((r) => ({ id: r.id, result: { ok: true, status: 200 } })),
    );
    expect(await repo.list({ status: 'succeeded', limit: 500 })).toEqual([]);
    await repo.finish(
      takeover.token,
      takeover.rows.map((r) => ({ id: r.id, result: { ok: true, status: 204 } })),
    );
    const done = await repo.list({ status: 'succeeded', limit: 500 });
    expect(done).toHaveLength(51);
    expect(done.every((r) => Number(r.attempts) === 1 && Number(r.last_status) === 204)).toBe(true);
  });

  it('reschedules a failed attempt and fails it when no attempt is left', async () => {
    const repo = new OutboxRepo(handle.store, resolveEndpoints(config));
    await handle.store.db.transaction().execute((trx) => repo.insert(trx, [{ type: 'channel.vacated', data: { channel: 'room:2' } }]));
    const { token, rows } = await repo.claimDue('node-a', { endpoint: A, limit: 10, leaseMs: 60_000 });
    const next = Date.now() + 5000;
    await repo.finish(token, [{ id: rows[0]!.id, result: { ok: false, status: 503, error: 'HTTP 503', nextAttemptAt: next } }]);
    const [pending] = await repo.list({ status: 'pending', limit: 10 });
    expect(pending).toMatchObject({ attempts: 1, last_status: 503, last_error: 'HTTP 503', claimed_by: null });
    expect(Number(pending?.next_attempt_at)).toBe(next);
    expect((await repo.claimDue('node-a', { endpoint: A, limit: 10, leaseMs: 60_000 })).rows).toEqual([]);

    const due = await repo.claimDue('node-b', { endpoint: A, limit: 10, leaseMs: 60_000, now: next });
    await repo.finish(due.token, [
      { id: due.rows[0]!.id, result: { ok: false, status: null, error: 'ECONNREFUSED', nextAttemptAt: null } },
    ]);
    const [failed] = await repo.list({ status: 'failed', limit: 10 });
    expect(failed).toMatchObject({ attempts: 2, last_status: null, last_error: 'ECONNREFUSED' });
    expect(await repo.retry(failed!.event_id)).toBe(1);
    expect((await repo.claimDue('node-a', { endpoint: A, limit: 10, leaseMs: 60_000 })).rows).toHaveLength(1);
  });

  it('fails the pending rows of an endpoint that is no longer configured', async () => {
    const repo = new OutboxRepo(handle.store, resolveEndpoints(config));
    await handle.store.db
      .transaction()
      .execute((trx) => repo.insert(trx, [{ type: 'user.online', data: { userId: 'x', status: 'online' } }]));
    expect(await repo.failOrphans([A])).toBe(1);
    const [failed] = await repo.list({ status: 'failed', limit: 10 });
    expect(failed).toMatchObject({ endpoint: B, last_error: 'endpoint no longer configured' });
    expect((await repo.list({ status: 'pending', limit: 10 })).map((r) => r.endpoint)).toEqual([A]);
  });
});

describe('retry schedule', () => {
  const settings = { initialDelayMs: 5000, maxDelayMs: 3_600_000, jitter: 0.2, windowMs: 86_400_000 };

  it('doubles from the initial delay, jittered down by at most the jitter share, capped', () => {
    const delays = [1, 2, 3, 4].map((attempts) => (nextAttemptAt(settings, attempts, 0, 0, () => 0) as number) - 0);
    expect(delays).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(nextAttemptAt(settings, 1, 0, 0, () => 1)).toBe(4000);
    expect(nextAttemptAt(settings, 40, 0, 0, () => 0)).toBe(3_600_000);
  });

  it('ends with the window', () => {
    expect(nextAttemptAt(settings, 30, 0, 86_000_000, () => 0)).toBeNull();
    expect(nextAttemptAt(settings, 1, 0, 86_000_000, () => 0)).toBe(86_005_000);
  });
});
