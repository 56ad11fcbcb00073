/**
 * The SDK's channel guarantee against real servers: each publication reaches
 * `onPublication` once and in offset order through forced disconnects (a TCP proxy
 * cuts the network), a server restart on a file-backed store, history that no longer
 * reaches back (onReset), a failover to another node, and its own publishes. Checked
 * by the loss/duplicate/order checker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMember, apiPublish, CHANNELS_TEST_CONFIG, withChannels } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { testCluster, waitUntil } from '../../test/support/cluster.js';
import { reach, recordStates, sdkClient } from '../../test/support/sdk.js';
import { startTestServer } from '../../test/support/server.js';
import { redisUnavailable } from '../../test/support/services.js';
import { perfect, StreamChecker } from '../../test/support/stream-checker.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import type { Publication } from '../protocol/index.js';
import type { SubscriptionState } from './index.js';

const redisReason = await redisUnavailable();

/** Publishes `count` publications over HTTP, `publishers` at a time; returns their offsets. */
async function publishConcurrently(
  publish: (i: number) => Promise<{ offset: number }>,
  count: number,
  publishers = 4,
  between?: (done: number) => Promise<void> | void,
): Promise<number[]> {
  const offsets: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: publishers }, async () => {
      while (next < count) {
        const i = next++;
        offsets.push((await publish(i)).offset);
        await between?.(offsets.length);
      }
    }),
  );
  return offsets;
}

describe('channel subscriptions: exactly once, in order', () => {
  it('through forced disconnects with publications in between', async () => {
    const server = await startTestServer({ config: withChannels({ news: { policy: 'public', history: { size: 1000 } } }) });
    const proxy = await startTcpProxy(server.port);
    const sb = sdkClient({ url: proxy.url, token: await server.token('u1') });
    const checker = new StreamChecker();
    const states: SubscriptionState[] = [];
    let resets = 0;
    const sub = sb.subscribe('news:1', {
      onPublication: (p) => checker.record(p.offset),
      onState: (s) => states.push(s),
      onReset: () => resets++,
    });
    await waitUntil(() => sub.state === 'subscribed', 'subscribed');
    const start = sub.offset;

    // Four cuts while 4 publishers publish 400; after each cut the proxy refuses new
    // connections while 25 more are published, so they can only come back through `since`.
    // Each cut waits for a live subscription on a connection made after the previous cut
    // (the proxy accepts nothing while blocked), and the publishers pause at the gate
    // meanwhile: without it they could publish everything while one of them waited, and
    // the next unblock, which rides on a later publication, would never come.
    const cutsAt = new Set([60, 140, 220, 300]);
    let cuts = 0;
    let blockedUntil = 0;
    let gate: Promise<void> = Promise.resolve();
    const subscribed = () => states.filter((s) => s === 'subscribed').length;
    const cutLiveSubscription = async (done: number) => {
      await waitUntil(
        () => proxy.accepted >= cuts + 1 && subscribed() >= cuts + 1 && sub.state === 'subscribed',
        'subscribed again on a new connection',
        20_000,
      );
      cuts += 1;
      proxy.block();
      proxy.cut();
      blockedUntil = done + 25;
    };
    const published = await publishConcurrently(
      async (i) => {
        await gate;
        return apiPublish(server, 'news:1', 'tick', { i });
      },
      400,
      4,
      async (done) => {
        if (cutsAt.has(done)) {
          cutsAt.delete(done);
          gate = cutLiveSubscription(done);
          await gate;
        } else if (blockedUntil > 0 && done >= blockedUntil) {
          blockedUntil = 0;
          proxy.unblock();
        }
      },
    );
    proxy.unblock();
    await waitUntil(() => checker.complete(published), 'every publication handed over', 20_000);
    expect(published.every((offset) => offset > start)).toBe(true);
    expect(checker.check(published)).toEqual(perfect(400));
    expect(resets).toBe(0);
    expect(proxy.accepted).toBeGreaterThanOrEqual(5); // it really reconnected after each cut
    // One subscribe per connection at least (the SDK may also renew on a live one).
    expect(states.filter((s) => s === 'subscribed').length).toBeGreaterThanOrEqual(5);
    expect(sub.offset).toBe(Math.max(...published));
  });

  it('through a server restart on the same port (file-backed SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-restart-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const config = withChannels({ news: { policy: 'public', history: { size: 1000 } } });
    const db = { database: { url: `sqlite:${join(dir, 'switchboard.db')}` } };
    const first = await startTestServer({ config: { ...config, ...db }, manualStop: true });
    const port = first.port;
    const proxy = await startTcpProxy(port);
    const sb = sdkClient({ url: proxy.url, token: await first.token('u1') });
    const checker = new StreamChecker();
    const sub = sb.subscribe('news:1', { onPublication: (p) => checker.record(p.offset) });
    await waitUntil(() => sub.state === 'subscribed', 'subscribed');
    const before = await publishConcurrently((i) => apiPublish(first, 'news:1', 'tick', { i }), 100);

    proxy.block();
    await first.stop();
    await reach(sb, 'disconnected');
    const second = await startTestServer({ config: { ...config, ...db, port } });
    expect(second.port).toBe(port);
    // Published while the client cannot reach the new server: recovered from the store.
    const whileAway = await publishConcurrently((i) => apiPublish(second, 'news:1', 'tick', { i }), 50);
    proxy.unblock();
    const after = await publishConcurrently((i) => apiPublish(second, 'news:1', 'tick', { i }), 50);

    const published = [...before, ...whileAway, ...after];
    await waitUntil(() => checker.complete(published), 'every publication handed over', 20_000);
    expect(Math.min(...whileAway)).toBe(Math.max(...before) + 1); // offsets survived the restart
    expect(checker.check(published)).toEqual(perfect(200));
    expect(sb.state).toBe('connected');
  });

  it('calls onReset when history no longer reaches back, then goes on from the newest offset', async () => {
    const server = await startTestServer({
      config: withChannels({ tiny: { policy: 'public', history: { size: 5 } }, live: { policy: 'public' } }),
    });
    const proxy = await startTcpProxy(server.port);
    const sb = sdkClient({ url: proxy.url, token: await server.token('u1') });
    const checker = new StreamChecker();
    const resets: number[] = [];
    const sub = sb.subscribe('tiny:1', { onPublication: (p) => checker.record(p.offset), onReset: ({ offset }) => resets.push(offset) });
    // A channel without history: renewed after the reconnect without a reset.
    const liveResets: number[] = [];
    const live = sb.subscribe('live:1', { onPublication: () => {}, onReset: ({ offset }) => liveResets.push(offset) });
    await waitUntil(() => sub.state === 'subscribed' && live.state === 'subscribed', 'subscribed');
    const first = await publishConcurrently((i) => apiPublish(server, 'tiny:1', 't', { i }), 3, 1);
    await waitUntil(() => checker.complete(first), 'first three');

    proxy.block();
    proxy.cut();
    await reach(sb, 'disconnected');
    const lost = await publishConcurrently((i) => apiPublish(server, 'tiny:1', 't', { i }), 20, 1);
    proxy.unblock();
    await waitUntil(() => resets.length === 1, 'onReset');
    expect(resets).toEqual([Math.max(...lost)]);
    const later = await publishConcurrently((i) => apiPublish(server, 'tiny:1', 't', { i }), 2, 1);
    await waitUntil(() => checker.complete(later), 'after the reset');
    // Nothing of the lost stretch is handed over; before and after, each once in order.
    expect(checker.check([...first, ...later])).toEqual(perfect(5));
    expect(liveResets).toEqual([]);
    expect(live.state).toBe('subscribed');
  });

  it('hands its own publishes over in order among everyone else’s', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    await addMember(server, 'trip:7', 'u1');
    await addMember(server, 'trip:7', 'u2');
    const sb = sdkClient({ url: server.url, token: await server.token('u1') });
    const other = sdkClient({ url: server.url, token: await server.token('u2') });
    const mine = new StreamChecker();
    const theirs = new StreamChecker();
    const seen: Publication[] = [];
    const sub = sb.subscribe<{ 'trip:note': { by: string; i: number } }>('trip:7', {
      onPublication: (p) => {
        mine.record(p.offset);
        seen.push(p);
      },
    });
    const otherSub = other.subscribe('trip:7', { onPublication: (p) => theirs.record(p.offset) });
    await waitUntil(() => sub.state === 'subscribed' && otherSub.state === 'subscribed', 'subscribed');
    const offsets = await Promise.all([
      ...Array.from({ length: 20 }, async (_, i) => (await sub.publish('trip:note', { by: 'u1', i })).offset as number),
      ...Array.from({ length: 20 }, async (_, i) => (await otherSub.publish('trip:note', { by: 'u2', i })).offset as number),
      ...Array.from({ length: 20 }, async (_, i) => (await apiPublish(server, 'trip:7', 'trip:note', { by: 'api', i })).offset as number),
    ]);
    await waitUntil(() => mine.complete(offsets) && theirs.complete(offsets), 'all 60 on both');
    expect(mine.check(offsets)).toEqual(perfect(60));
    expect(theirs.check(offsets)).toEqual(perfect(60));
    expect(seen.filter((p) => (p.data as { by: string }).by === 'u1')).toHaveLength(20);
  });

  it('renews many channels after a reconnect in one batch, under the default rate limit', async () => {
    // The default limit is 10 events a second per user: 40 single resubscribes would be refused.
    const server = await startTestServer({ config: { channels: { news: { policy: 'public', history: { size: 10 } } } } });
    const proxy = await startTcpProxy(server.port);
    const sb = sdkClient({ url: proxy.url, token: await server.token('u1') });
    const checkers = new Map<string, StreamChecker>();
    const subs = Array.from({ length: 40 }, (_, i) => {
      const checker = new StreamChecker();
      checkers.set(`news:${i}`, checker);
      return sb.subscribe(`news:${i}`, { onPublication: (p) => checker.record(p.offset) });
    });
    await waitUntil(() => subs.every((s) => s.state === 'subscribed'), 'all subscribed');
    const errors: string[] = [];
    sb.on('error', (e) => errors.push(e.code));
    for (const s of subs) expect(s.error).toBeUndefined();

    proxy.block();
    proxy.cut();
    await reach(sb, 'disconnected');
    const published = new Map<string, number[]>();
    for (let i = 0; i < 40; i++) published.set(`news:${i}`, [(await apiPublish(server, `news:${i}`, 'tick', {})).offset]);
    proxy.unblock();
    await waitUntil(() => [...checkers].every(([channel, c]) => c.complete(published.get(channel) ?? [])), 'each missed one recovered');
    for (const [channel, c] of checkers) expect(c.check(published.get(channel) ?? [])).toEqual(perfect(1));
    expect(subs.every((s) => s.state === 'subscribed' && s.error === undefined)).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('subscription states and retries', () => {
  it('fails for good on a refusal, retries with backoff while the authorizer is down', async () => {
    // A webhook-policy namespace whose app backend answers 503 twice, then allows.
    const { createServer } = await import('node:http');
    let calls = 0;
    const backend = createServer((_req, res) => {
      calls++;
      res.writeHead(calls <= 2 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => backend.close(() => resolve())));
    const url = `http://127.0.0.1:${(backend.address() as { port: number }).port}/authorize`;
    const server = await startTestServer({
      config: withChannels({ room: { policy: 'webhook', webhook: url }, ops: { policy: 'roles', roles: ['admin'] } }),
    });
    const sb = sdkClient({ url: server.url, token: await server.token('u1') });

    const forbidden: Array<[SubscriptionState, string | undefined]> = [];
    const ops = sb.subscribe('ops:1', { onPublication: () => {}, onState: (s, e) => forbidden.push([s, e?.code]) });
    const room: Array<[SubscriptionState, string | undefined]> = [];
    const sub = sb.subscribe('room:1', { onPublication: () => {}, onState: (s, e) => room.push([s, e?.code]) });
    await waitUntil(() => ops.state === 'failed' && sub.state === 'subscribed', 'ops failed, room subscribed', 15_000);
    expect(ops.error?.code).toBe('FORBIDDEN');
    expect(forbidden).toEqual([['failed', 'FORBIDDEN']]);
    expect(room).toEqual([
      ['subscribing', 'UNAVAILABLE'],
      ['subscribing', 'UNAVAILABLE'],
      ['subscribed', undefined],
    ]);
    expect(calls).toBe(3);
  });
});

describe.skipIf(redisReason !== undefined)('failover to another node', () => {
  it('exactly once, in order, when the client moves from node A to node B while both publish', async () => {
    const cluster = testCluster();
    const config = withChannels({ news: { policy: 'public', history: { size: 1000 } } });
    const a = await cluster.node(config);
    const b = await cluster.node(config);
    const proxy = await startTcpProxy(a.port);
    const sb = sdkClient({ url: proxy.url, token: await a.token('u1') });
    const checker = new StreamChecker();
    const sub = sb.subscribe('news:1', { onPublication: (p) => checker.record(p.offset) });
    await waitUntil(() => sub.state === 'subscribed', 'subscribed');

    let moved = false;
    const published = await publishConcurrently(
      (i) => apiPublish(i % 2 === 0 ? a : b, 'news:1', 'tick', { i }),
      300,
      4,
      (done) => {
        if (done === 120 && !moved) {
          moved = true;
          proxy.retarget(b.port);
          proxy.cut();
        }
      },
    );
    await waitUntil(() => checker.complete(published), 'every publication handed over', 20_000);
    expect(checker.check(published)).toEqual(perfect(300));
    expect(proxy.accepted).toBeGreaterThanOrEqual(2);
  });
});

describe('connection states', () => {
  it('goes connecting → connected, disconnected → connecting → connected across a cut', async () => {
    const server = await startTestServer();
    const proxy = await startTcpProxy(server.port);
    const sb = sdkClient({ url: proxy.url, token: await server.token('u1') });
    const states = recordStates(sb);
    expect(sb.state).toBe('connecting');
    const info = await sb.ready;
    expect(info.userId).toBe('u1');
    proxy.cut();
    await reach(sb, 'disconnected');
    await reach(sb, 'connected');
    expect(states).toEqual(['connected', 'disconnected', 'connecting', 'connected']);
    sb.close();
    expect(sb.state).toBe('closed');
    expect(states.slice(4)).toEqual(['closed']);
    await expect(sb.call('ping')).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
