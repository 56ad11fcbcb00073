/**
 * Idempotency-Key over HTTP (issue 11), on SQLite and PostgreSQL: a repeat answers the
 * first result (same status and body) and writes nothing, on every route that takes the
 * header; keys are per caller; concurrent repeats write once; a key reused for another
 * request, an in-progress key and refusals are handled as documented; keys expire.
 */
import { expect, it, vi } from 'vitest';
import { createConversation } from '../../test/support/chat.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { describeEachStore } from '../../test/support/stores.js';
import { IdempotencyRepo } from './idempotency-repo.js';

const config = {
  channels: { news: { policy: 'public' as const, history: { size: 100 } } },
  rateLimits: { default: { points: 1000, perSeconds: 1 } },
};

/** Whether the effect's own transaction marked the key applied. */
async function applied(db: { store: import('../store/store.js').Store }, key: string): Promise<boolean> {
  const row = await db.store.db.selectFrom('idempotency_keys').select('applied_at').where('key', '=', key).executeTakeFirstOrThrow();
  return row.applied_at !== null;
}

function post(server: TestServer, path: string, body: unknown, key?: string, auth: { token?: string } = {}) {
  return server.request('POST', path, {
    ...(auth.token ? { token: auth.token } : { apiKey: true }),
    body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });
}

describeEachStore('Idempotency-Key', (db) => {
  it('POST /api/notify: a repeat answers the first result and stores nothing more; another key stores again', async () => {
    const server = await startTestServer({ store: db.store, config });
    const body = { userId: 'idem-n1', type: 'info', title: 'Once', message: 'only once' };
    const first = await post(server, '/api/notify', body, 'notify-1');
    const again = await post(server, '/api/notify', body, 'notify-1');
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    const rows = await db.store.db.selectFrom('notifications').select('id').where('user_id', '=', 'idem-n1').execute();
    expect(rows.map((r) => r.id)).toEqual(first.body.ids);
    expect(await applied(db, 'notify-1')).toBe(true);
    await post(server, '/api/notify', body, 'notify-2');
    await post(server, '/api/notify', body);
    expect(await db.store.db.selectFrom('notifications').select('id').where('user_id', '=', 'idem-n1').execute()).toHaveLength(3);
  });

  it('POST /api/publish and /api/broadcast: one offset, one broadcast', async () => {
    const server = await startTestServer({ store: db.store, config });
    const channel = `news:${Math.random().toString(36).slice(2)}`;
    const first = await post(server, '/api/publish', { channel, event: 'story', data: { n: 1 } }, 'pub-1');
    const again = await post(server, '/api/publish', { channel, event: 'story', data: { n: 1 } }, 'pub-1');
    expect(again).toEqual(first);
    const history = await server.request('GET', `/api/channels/${channel}/history`, { apiKey: true });
    expect(history.body.publications.map((p: { offset: number }) => p.offset)).toEqual([first.body.offset]);
    // The publication's own transaction marked the key applied.
    expect(await applied(db, 'pub-1')).toBe(true);

    const { socket } = await server.connect('watcher');
    const seen: unknown[] = [];
    socket.on('broadcast' as never, (b: unknown) => {
      seen.push(b);
    });
    const b1 = await post(server, '/api/broadcast', { title: 'Hi', message: 'all' }, 'bc-1');
    const b2 = await post(server, '/api/broadcast', { title: 'Hi', message: 'all' }, 'bc-1');
    expect(b2).toEqual(b1);
    const marker = await post(server, '/api/broadcast', { title: 'marker', message: 'end' });
    expect(marker.status).toBe(200);
    await vi.waitFor(() => expect(seen).toHaveLength(2));
  });

  it('POST /api/conversations/{id}/messages: keyed per user, a repeat answers 201 with the same message', async () => {
    const server = await startTestServer({ store: db.store, config });
    const conversation = await createConversation(server, 'idem-alice', { kind: 'group', memberIds: ['idem-bob'] });
    const path = `/api/conversations/${conversation.id}/messages`;
    const alice = { token: await server.token('idem-alice') };
    // A fresh token of the same user is the same caller.
    const aliceAgain = { token: await server.token('idem-alice', { roles: ['member'] }) };
    expect(aliceAgain.token).not.toBe(alice.token);
    const first = await post(server, path, { content: 'hello' }, 'msg-1', alice);
    const again = await post(server, path, { content: 'hello' }, 'msg-1', aliceAgain);
    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    expect(await applied(db, 'msg-1')).toBe(true);
    // Bob's "msg-1" is his own key.
    const bob = await post(server, path, { content: 'hello' }, 'msg-1', { token: await server.token('idem-bob') });
    expect(bob.status).toBe(201);
    expect(bob.body.message.id).not.toBe(first.body.message.id);
    const messages = await db.store.db.selectFrom('messages').select('id').where('conversation_id', '=', conversation.id).execute();
    expect(messages).toHaveLength(2);
  });

  it('concurrent repeats write once: one runs, the others answer the same result or CONFLICT in progress', async () => {
    const server = await startTestServer({ store: db.store, config });
    const body = { userId: 'idem-c1', type: 'info', title: 'Race', message: 'race' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(server, '/api/notify', body, 'race-1')));
    const ran = answers.filter((a) => a.status === 202);
    for (const answer of answers) {
      if (answer.status === 409)
        expect(answer.body.error).toMatchObject({ code: 'CONFLICT', details: { retryAfterMs: expect.any(Number) } });
      else expect(answer).toEqual(ran[0]);
    }
    expect(await db.store.db.selectFrom('notifications').select('id').where('user_id', '=', 'idem-c1').execute()).toHaveLength(1);
  });

  it('refuses a key reused for another request, keeps validation refusals, and lets a retry run after an auth refusal', async () => {
    const server = await startTestServer({ store: db.store, config });
    const body = { userId: 'idem-m1', type: 'info', title: 'A', message: 'a' };
    expect((await post(server, '/api/notify', body, 'mix-1')).status).toBe(202);
    const other = await post(server, '/api/notify', { ...body, title: 'B' }, 'mix-1');
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });

    const invalid = await post(server, '/api/notify', { userId: 'idem-m1' }, 'bad-1');
    expect(invalid.status).toBe(400);
    expect(await post(server, '/api/notify', { userId: 'idem-m1' }, 'bad-1')).toEqual(invalid);

    const longKey = await post(server, '/api/notify', body, 'k'.repeat(300));
    expect(longKey).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });

    // Another API key is another caller; an unknown one is refused and its key not kept.
    const refused = await server.request('POST', '/api/notify', {
      body,
      headers: { authorization: 'Bearer sk_unknown_0000000000', 'idempotency-key': 'auth-1' },
    });
    expect(refused.status).toBe(401);
    expect((await post(server, '/api/notify', body, 'auth-1')).status).toBe(202);
  });

  it('forgets a key after its TTL, and takes over a claim whose request never finished after the pending timeout', async () => {
    const repo = new IdempotencyRepo(db.store, { ttlMs: 1000, pendingTimeoutMs: 500 });
    const t0 = 1_000_000;
    expect(await repo.claim('s', 'k1', 'f', t0)).toMatchObject({ kind: 'claimed' });
    expect(await repo.claim('s', 'k1', 'f', t0 + 100)).toMatchObject({ kind: 'pending' });
    // The first request's node died: a repeat after the pending timeout runs it.
    const taken = await repo.claim('s', 'k1', 'f', t0 + 600);
    expect(taken).toMatchObject({ kind: 'claimed', claimedAt: t0 + 600 });
    await repo.complete('s', 'k1', t0 + 600, 200, '{"ok":true}');
    expect(await repo.claim('s', 'k1', 'f', t0 + 700)).toEqual({ kind: 'done', status: 200, body: '{"ok":true}' });
    // The late first request cannot overwrite the new claim's answer.
    await repo.complete('s', 'k1', t0, 500, 'late');
    expect(await repo.claim('s', 'k1', 'f', t0 + 800)).toMatchObject({ kind: 'done', status: 200 });
    expect(await repo.claim('s', 'k1', 'f', t0 + 600 + 1000)).toMatchObject({ kind: 'claimed' });
    expect(await repo.sweep(t0 + 10_000)).toBeGreaterThan(0);

    // The effect committed (and marked the claim in its transaction), then the node
    // died before recording the answer: no repeat ever runs it again.
    const claim = await repo.claim('s', 'k2', 'f', t0);
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await db.store.db.transaction().execute((trx) => repo.markApplied(trx, { scope: 's', key: 'k2', claimedAt: claim.claimedAt }, t0 + 1));
    await repo.release('s', 'k2', claim.claimedAt); // a failure after the commit gives nothing up
    expect(await repo.claim('s', 'k2', 'f', t0 + 100)).toMatchObject({ kind: 'pending' });
    expect(await repo.claim('s', 'k2', 'f', t0 + 600)).toEqual({ kind: 'applied' });
  });
});
