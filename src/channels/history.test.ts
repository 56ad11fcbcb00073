/**
 * History and recovery end to end: `subscribe { since }` after a client drop and
 * after a server restart, exact order without duplicates under concurrent
 * publishers, trimming by size and TTL, and GET /api/channels/{channel}/history.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMember, apiPublish, CHANNELS_CONFIG, CHANNELS_TEST_CONFIG, subscribeOk, withChannels } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import type { TestSocket } from '../../test/support/client.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import type { Ack, PublicationMeta, SubscribeResult } from '../protocol/index.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Offsets of `event` publications as they arrive. */
function offsetsOf(socket: TestSocket, event: string): number[] {
  const seen: number[] = [];
  (socket as any).on(event, (_data: unknown, meta: PublicationMeta) => seen.push(meta.offset));
  return seen;
}

/** Resolves once `check()` holds, re-checking whenever `event` arrives (no timers involved). */
function until(socket: TestSocket, event: string, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`condition on "${event}" not reached`)), 10_000);
    const listener = () => {
      if (!check()) return;
      clearTimeout(timer);
      (socket as any).off(event, listener);
      resolve();
    };
    (socket as any).on(event, listener);
    listener();
  });
}

async function publishMany(server: TestServer, channel: string, count: number, from = 1): Promise<void> {
  for (let i = from; i < from + count; i++) await apiPublish(server, channel, 'tick', { i });
}

describe('recovery with subscribe { since }', () => {
  it('replays what a dropped client missed, in order, then continues live', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const first = await server.connect('u1');
    const seen = offsetsOf(first.socket, 'tick');
    await subscribeOk(first.socket, 'news:1');
    await publishMany(server, 'news:1', 3);
    await until(first.socket, 'tick', () => seen.length === 3);
    first.socket.disconnect();

    await publishMany(server, 'news:1', 3, 4);
    const again = await server.connect('u1');
    const live = offsetsOf(again.socket, 'tick');
    const result = await subscribeOk(again.socket, { channel: 'news:1', since: 3 });
    expect(result.recovered).toBe(true);
    expect(result.offset).toBe(6);
    expect(result.missed.map((p) => [p.offset, p.event, p.data, p.channel])).toEqual([
      [4, 'tick', { i: 4 }, 'news:1'],
      [5, 'tick', { i: 5 }, 'news:1'],
      [6, 'tick', { i: 6 }, 'news:1'],
    ]);
    expect(result.missed[0]?.timestamp).toEqual(expect.any(String));
    await apiPublish(server, 'news:1', 'tick', { i: 7 });
    await until(again.socket, 'tick', () => live.length === 1);
    expect(live).toEqual([7]);

    const current = await subscribeOk((await server.connect('u2')).socket, { channel: 'news:1', since: 7 });
    expect(current).toEqual({ channel: 'news:1', offset: 7, recovered: true, missed: [] });
  });

  it('has no gap and no duplicate while 4 publishers × 50 publish concurrently', async () => {
    const server = await startTestServer({
      config: withChannels({ ...CHANNELS_CONFIG, news: { policy: 'public', history: { size: 500 } } }),
    });
    const watcher = await server.connect('w');
    const watched = offsetsOf(watcher.socket, 'tick');
    await subscribeOk(watcher.socket, 'news:1');

    // The late subscriber records live offsets and, when its ack arrives, the missed ones, in arrival order.
    const late = await server.connect('late');
    const arrived: number[] = [];
    (late.socket as any).on('tick', (_d: unknown, meta: PublicationMeta) => arrived.push(meta.offset));

    const publisher = async (n: number) => {
      for (let i = 0; i < 50; i++) await apiPublish(server, 'news:1', 'tick', { n, i });
    };
    const publishing = Promise.all([publisher(1), publisher(2), publisher(3), publisher(4)]);
    await until(watcher.socket, 'tick', () => watched.length >= 60);
    // The ack callback runs synchronously in arrival order; a promise continuation
    // would run only after other packets of the same read were dispatched.
    const { result, beforeAck } = await new Promise<{ result: SubscribeResult; beforeAck: number[] }>((resolve, reject) => {
      (late.socket as any).emit('subscribe', { channel: 'news:1', since: 0 }, (ack: Ack<SubscribeResult>) => {
        if (!ack.ok) return reject(new Error(ack.error.message));
        const data = ack.data as SubscribeResult;
        const before = [...arrived];
        arrived.push(...data.missed.map((p) => p.offset));
        resolve({ result: data, beforeAck: before });
      });
    });
    await publishing;
    await until(late.socket, 'tick', () => arrived.length >= 200);
    await until(watcher.socket, 'tick', () => watched.length >= 200);

    expect(beforeAck).toEqual([]); // nothing live before the ack
    expect(result.recovered).toBe(true);
    expect(arrived).toEqual(range(1, 200));
    expect(watched).toEqual(range(1, 200)); // live delivery of one node is in offset order
  });

  it('says recovered: false when history no longer reaches `since` (size), and returns what it has', async () => {
    const server = await startTestServer({ config: withChannels({ tiny: { policy: 'public', history: { size: 5 } } }) });
    await publishMany(server, 'tiny:1', 12);
    const { socket } = await server.connect('u1');
    const lost = await subscribeOk(socket, { channel: 'tiny:1', since: 2 });
    expect(lost.recovered).toBe(false);
    expect(lost.offset).toBe(12);
    expect(lost.missed.map((p) => p.offset)).toEqual(range(8, 12));
    const kept = await subscribeOk(socket, { channel: 'tiny:1', since: 7 });
    expect(kept.recovered).toBe(true);
    expect(kept.missed.map((p) => p.offset)).toEqual(range(8, 12));
    expect((await subscribeOk(socket, { channel: 'tiny:1', since: 99 })).recovered).toBe(false);

    // The background trim keeps the table bounded (it ran after the 10th publication).
    await server.switchboard.context.lifecycle.waitIdle(5000);
    const rows = await server.switchboard.context.store.db
      .selectFrom('channel_publications')
      .select('pub_offset')
      .where('channel', '=', 'tiny:1')
      .execute();
    expect(rows.length).toBeLessThan(12);
  });

  it('drops publications older than ttlSeconds from recovery', async () => {
    const server = await startTestServer({ config: withChannels({ brief: { policy: 'public', history: { size: 100, ttlSeconds: 60 } } }) });
    await publishMany(server, 'brief:1', 3);
    // Age the first two publications past the TTL.
    await server.switchboard.context.store.db
      .updateTable('channel_publications')
      .set({ created_at: Date.now() - 120_000 })
      .where('channel', '=', 'brief:1')
      .where('pub_offset', '<=', 2)
      .execute();
    const { socket } = await server.connect('u1');
    const lost = await subscribeOk(socket, { channel: 'brief:1', since: 0 });
    expect(lost).toMatchObject({ recovered: false, offset: 3 });
    expect(lost.missed.map((p) => p.offset)).toEqual([3]);
    expect((await subscribeOk(socket, { channel: 'brief:1', since: 2 })).recovered).toBe(true);
  });

  it('survives a server restart (durable store): offsets continue and since still replays', async () => {
    const file = join(tmpdir(), `sb-channels-${process.pid}-${Date.now()}.db`);
    onCleanup(() => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    });
    const config = { ...CHANNELS_TEST_CONFIG, database: { url: `sqlite:${file}` } };

    const before = await startTestServer({ config, manualStop: true });
    await addMember(before, 'trip:1', 'u1');
    const client = await before.connect('u1');
    const seen = offsetsOf(client.socket, 'trip:updated');
    await subscribeOk(client.socket, 'trip:1');
    for (let i = 1; i <= 2; i++) await apiPublish(before, 'trip:1', 'trip:updated', { i });
    await until(client.socket, 'trip:updated', () => seen.length === 2);
    for (let i = 3; i <= 5; i++) await apiPublish(before, 'trip:1', 'trip:updated', { i });
    await before.stop();

    const after = await startTestServer({ config });
    const back = await after.connect('u1');
    const result = await subscribeOk(back.socket, { channel: 'trip:1', since: seen.at(-1) });
    expect(result.recovered).toBe(true);
    expect(result.missed.map((p) => p.data)).toEqual(range(seen.length + 1, 5).map((i) => ({ i })));
    expect((await apiPublish(after, 'trip:1', 'trip:updated', { i: 6 })).offset).toBe(6);
  });
});

describe('GET /api/channels/{channel}/history', () => {
  it('pages through publications for the server key and for users the policy allows', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    await publishMany(server, 'news:1', 5);
    const first = await server.request('GET', '/api/channels/news:1/history?since=0&limit=2', { apiKey: true });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, channel: 'news:1', offset: 5, recovered: true, nextCursor: 2 });
    expect(first.body.publications.map((p: any) => [p.offset, p.data])).toEqual([
      [1, { i: 1 }],
      [2, { i: 2 }],
    ]);
    const rest = await server.request('GET', `/api/channels/news:1/history?since=${first.body.nextCursor}`, {
      token: await server.token('u1'),
    });
    expect(rest.body.publications.map((p: any) => p.offset)).toEqual([3, 4, 5]);
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('asks the policy: members only on members channels, a channel token on token channels', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    await addMember(server, 'trip:1', 'member');
    await apiPublish(server, 'trip:1', 'trip:updated', { a: 1 });
    const outsider = await server.request('GET', '/api/channels/trip:1/history', { token: await server.token('outsider') });
    expect(outsider.status).toBe(403);
    const member = await server.request('GET', '/api/channels/trip:1/history', { token: await server.token('member') });
    expect(member.body.publications).toHaveLength(1);
    expect((await server.request('GET', '/api/channels/trip:1/history')).status).toBe(401);

    const channelToken = await server.token('u1', { claims: { channel: 'board:1' } });
    const userToken = await server.token('u1');
    expect((await server.request('GET', '/api/channels/board:1/history', { token: userToken })).status).toBe(403);
    expect((await server.request('GET', `/api/channels/board:1/history?channelToken=${channelToken}`, { token: userToken })).status).toBe(
      200,
    );
  });

  it('is NOT_FOUND for channels without history or undeclared, VALIDATION_FAILED for bad queries', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    expect((await server.request('GET', '/api/channels/live:1/history', { apiKey: true })).body.error.code).toBe('NOT_FOUND');
    expect((await server.request('GET', '/api/channels/nope:1/history', { apiKey: true })).body.error.code).toBe('NOT_FOUND');
    expect((await server.request('GET', '/api/channels/news:1/history?since=-1', { apiKey: true })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await server.request('GET', '/api/channels/news:1/history?limit=0', { apiKey: true })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
