/**
 * `subscribe:batch` (added for the client SDK's reconnects): each entry answered as
 * its own `subscribe` would be, in order; recovery per entry with the missed
 * publications before the live ones; one rate-limit point per batch; bad batches
 * refused whole.
 */
import { describe, expect, it } from 'vitest';
import { apiPublish, CHANNELS_TEST_CONFIG, subscribeOk, withChannels } from '../../test/support/channels.js';
import { emitAck } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';
import type { Ack, PublicationMeta, SubscribeResult } from '../protocol/index.js';

type BatchAck = Ack<{ results: Ack<SubscribeResult>[] }>;

describe('subscribe:batch', () => {
  it('answers each entry like subscribe, in order, refusals included', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    for (let i = 1; i <= 3; i++) await apiPublish(server, 'news:1', 'tick', { i });
    const { socket } = await server.connect('u1');
    const ack = (await emitAck(socket, 'subscribe:batch', {
      subscriptions: ['live:1', { channel: 'news:1', since: 1 }, 'ops:1', 'nope:1', { channel: 'news:2' }],
    })) as BatchAck;
    expect(ack.ok).toBe(true);
    const results = (ack as { data: { results: Ack<SubscribeResult>[] } }).data.results;
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'FORBIDDEN', 'NOT_FOUND', 'ok']);
    const news = results[1] as { data: SubscribeResult };
    expect(news.data).toMatchObject({ channel: 'news:1', offset: 3, recovered: true });
    expect(news.data.missed.map((p) => p.offset)).toEqual([2, 3]);
    expect((results[4] as { data: SubscribeResult }).data).toEqual({ channel: 'news:2', offset: 0, recovered: false, missed: [] });

    // The socket is in the rooms that were granted, not in the refused ones.
    const status = await emitAck<{ connection: { rooms: string[] } }>(socket, 'status');
    const rooms = (status as { data: { connection: { rooms: string[] } } }).data.connection.rooms;
    expect(rooms).toEqual(expect.arrayContaining(['live:1', 'news:1', 'news:2']));
    expect(rooms).not.toContain('ops:1');
  });

  it('delivers each channel’s missed list before its live publications, none twice, under concurrent publishing', async () => {
    const server = await startTestServer({ config: withChannels({ news: { policy: 'public', history: { size: 500 } } }) });
    const channels = ['news:a', 'news:b', 'news:c'];
    for (const channel of channels) await apiPublish(server, channel, 'tick', {});
    const { socket } = await server.connect('u1');
    const arrived = new Map<string, number[]>(channels.map((c) => [c, []]));
    (socket as any).on('tick', (_d: unknown, meta: PublicationMeta) => arrived.get(meta.channel)?.push(meta.offset));

    const publishing = Promise.all(
      channels.map(async (channel) => {
        for (let i = 0; i < 30; i++) await apiPublish(server, channel, 'tick', { i });
      }),
    );
    // The ack callback runs in arrival order with the events, so it records where `missed` falls.
    await new Promise<void>((resolve, reject) => {
      (socket as any).emit('subscribe:batch', { subscriptions: channels.map((channel) => ({ channel, since: 1 })) }, (ack: BatchAck) => {
        if (!ack.ok) return reject(new Error(ack.error.message));
        for (const [i, result] of (ack.data?.results ?? []).entries()) {
          if (!result.ok) return reject(new Error(result.error.message));
          const list = arrived.get(channels[i] as string) as number[];
          if (list.length > 0) reject(new Error(`live publications of ${channels[i]} before the ack`));
          list.push(...(result.data as SubscribeResult).missed.map((p) => p.offset));
        }
        resolve();
      });
    });
    await publishing;
    await expect.poll(() => channels.map((c) => arrived.get(c)?.length)).toEqual([30, 30, 30]);
    for (const channel of channels) expect(arrived.get(channel)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('costs one rate-limit point for the whole batch', async () => {
    const server = await startTestServer({ config: { ...CHANNELS_TEST_CONFIG, rateLimits: { subscribe: { points: 2, perSeconds: 60 } } } });
    const { socket } = await server.connect('u1');
    const subscriptions = Array.from({ length: 20 }, (_, i) => `live:${i}`);
    const ack = (await emitAck(socket, 'subscribe:batch', { subscriptions })) as BatchAck;
    expect(ack.ok && ack.data?.results.every((r) => r.ok)).toBe(true);
    await subscribeOk(socket, 'live:x');
    expect(await emitAck(socket, 'subscribe:batch', { subscriptions })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('refuses an empty, oversized or malformed batch whole', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('u1');
    for (const payload of [
      { subscriptions: [] },
      { subscriptions: Array.from({ length: 101 }, (_, i) => `live:${i}`) },
      { subscriptions: [{ channel: 'live:1', since: -1 }] },
      { subscriptions: 'live:1' },
      ['live:1'],
    ]) {
      expect(await emitAck(socket, 'subscribe:batch', payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
  });
});
