/**
 * Channel delivery on three nodes (child processes, PostgreSQL and Redis) under the
 * delivery checker: every node publishes, subscribers on every node record their
 * streams. Scenarios: steady load; a subscriber that reconnects to another node with
 * `subscribe { since }` mid-stream; a node SIGKILLed while publishing (its subscribers
 * fail over with `since`); a Redis restart while publishing (a redis-server of the
 * test's own).
 *
 * Asserted in every scenario: every acknowledged publication is in the store, at its
 * own offset, with no gap and no duplicate; and every subscriber received each
 * acknowledged publication of its window exactly once, in offset order (zero lost,
 * zero duplicated, zero out of order: channel-sequencer.ts). The figures are printed.
 */
import { describe, expect, it } from 'vitest';
import type { TestSocket } from '../../test/support/client.js';
import { type ChildNode, type ClusterNode, testCluster, waitUntil } from '../../test/support/cluster.js';
import { DeliveryChecker, formatReport, type SubscriberLog } from '../../test/support/delivery-checker.js';
import { redisServerUnavailable, startOwnRedis } from '../../test/support/redis-server.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';
import { recordPublications, startTraffic } from '../../test/support/traffic.js';
import type { Ack, SubscribeResult } from '../protocol/index.js';

const missing = (await redisUnavailable()) ?? (await postgresUnavailable());

const CHANNEL = 'load:1';
const config = {
  channels: { load: { policy: 'public', history: { size: 100_000 } } },
  rateLimits: { default: { points: 100_000, perSeconds: 1 } },
  redis: { heartbeatIntervalMs: 300, nodeTimeoutMs: 2000 },
  delivery: { positionCheckIntervalMs: 300 },
} as const;

/** Subscribes a socket (optionally from `since`) and records live publications and `missed` into `log`. */
async function follow(node: ClusterNode, name: string, log: SubscriberLog, since?: number): Promise<TestSocket> {
  const { socket } = await node.connect(name);
  recordPublications(socket, log, CHANNEL);
  const ack = await new Promise<Ack<SubscribeResult>>((resolve) =>
    // Recorded in the ack callback itself: live publications that follow the ack in the
    // same network read are dispatched before an awaiting caller would run.
    socket.emit('subscribe', since === undefined ? CHANNEL : { channel: CHANNEL, since }, (answer: Ack<SubscribeResult>) => {
      if (answer.ok && answer.data) {
        log.from(CHANNEL, since ?? answer.data.offset);
        for (const publication of answer.data.missed) log.received(CHANNEL, publication.offset);
      }
      resolve(answer);
    }),
  );
  if (!ack.ok || !ack.data) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  return socket;
}

/** Publications the nodes read from the store to fill gaps (their /metrics), for the figures. */
async function gapFills(nodes: ClusterNode[]): Promise<number> {
  let total = 0;
  for (const node of nodes) {
    const res = await node.request('GET', '/metrics');
    const line = String(res.body)
      .split('\n')
      .find((l) => l.startsWith('switchboard_channel_gap_fills_total'));
    total += Number(line?.split(' ').at(-1) ?? 0);
  }
  return total;
}

/** The newest offset a log received (where a client resumes from). */
function lastOffset(log: SubscriberLog): number {
  return Math.max(0, ...((log.deliveries.get(CHANNEL) ?? []) as number[]));
}

/** Every offset in the channel's history, read page by page from a node. */
async function historyOffsets(node: ClusterNode): Promise<number[]> {
  const offsets: number[] = [];
  let since = 0;
  for (let page = 0; page < 1000; page++) {
    const res = await node.request('GET', `/api/channels/${CHANNEL}/history?since=${since}&limit=1000`, { apiKey: true });
    if (res.status !== 200) throw new Error(`history: ${res.status} ${JSON.stringify(res.body)}`);
    for (const p of res.body.publications) offsets.push(p.offset);
    if (res.body.nextCursor === undefined) break;
    since = res.body.nextCursor;
  }
  return offsets;
}

/** The store holds every acknowledged publication, once, at contiguous offsets. */
async function expectStoreExact(node: ClusterNode, checker: DeliveryChecker): Promise<void> {
  const offsets = await historyOffsets(node);
  expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1));
  const stored = new Set(offsets);
  const acknowledged = checker.acknowledgedItems(CHANNEL);
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(acknowledged.filter((offset) => !stored.has(offset as number))).toEqual([]);
}

/** Waits (bounded) until no subscriber's stream grows any more: in-flight deliveries have landed. */
async function settle(checker: DeliveryChecker): Promise<void> {
  let last = -1;
  await waitUntil(
    async () => {
      const now = checker.report().delivered;
      const still = now === last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return still;
    },
    'streams settle',
    15_000,
  );
}

/**
 * Waits (bounded) until nothing acknowledged is missing any more (gaps are filled from
 * the store within the hold and the position check), lets in-flight deliveries land,
 * prints the figures and asserts exactness.
 */
async function expectExactStreams(name: string, checker: DeliveryChecker): Promise<void> {
  await waitUntil(() => checker.report().lost === 0, `${name}: nothing lost`, 20_000).catch(() => {});
  await settle(checker);
  const report = checker.report();
  console.info(formatReport(name, report));
  const faults = report.perSubscriber.filter((s) => s.lost + s.duplicated + s.outOfOrder > 0);
  expect(faults, JSON.stringify(faults, null, 1)).toEqual([]);
  expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 });
  expect(report.expected).toBeGreaterThan(0);
}

describe.skipIf(missing !== undefined)('channel delivery on three nodes, checked', () => {
  it('steady load: publishers and subscribers on every node', async () => {
    const cluster = testCluster();
    const nodes = await Promise.all([cluster.spawn(config), cluster.spawn(config), cluster.spawn(config)]);
    const checker = new DeliveryChecker();
    for (const [i, node] of nodes.entries()) {
      for (const j of [0, 1]) await follow(node, `reader-${i}-${j}`, checker.subscriber(`reader-${i}-${j}@node-${i}`));
    }
    const traffic = startTraffic(nodes, { checker, channel: CHANNEL, loopsPerNode: 2 });
    await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 600, '600 acknowledged publications', 60_000);
    await traffic.stop();
    await expectExactStreams('steady load, 3 nodes x 2 publishers, 6 subscribers', checker);
    console.info(`[checker] publications filled from the store by the nodes: ${await gapFills(nodes)}`);
    await expectStoreExact(nodes[0] as ChildNode, checker);
    for (const node of nodes) expect(node.exit).toBeUndefined();
  }, 120_000);

  it('a subscriber reconnects to another node with since, mid-stream', async () => {
    const cluster = testCluster();
    const nodes = await Promise.all([cluster.spawn(config), cluster.spawn(config), cluster.spawn(config)]);
    const checker = new DeliveryChecker();
    const movers = nodes.map((_, i) => checker.subscriber(`mover-${i}`));
    const sockets = await Promise.all(nodes.map((node, i) => follow(node, `mover-${i}`, movers[i] as SubscriberLog)));
    const traffic = startTraffic(nodes, { checker, channel: CHANNEL });
    await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 150, '150 acknowledged', 60_000);
    // Each moves to the next node, resuming after the last offset it saw.
    for (const [i, socket] of sockets.entries()) {
      socket.disconnect();
      const log = movers[i] as SubscriberLog;
      await follow(nodes[(i + 1) % nodes.length] as ChildNode, `mover-${i}`, log, lastOffset(log));
    }
    await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 300, '300 acknowledged', 60_000);
    await traffic.stop();
    await expectExactStreams('reconnect to another node with since, 3 nodes', checker);
    await expectStoreExact(nodes[0] as ChildNode, checker);
  }, 120_000);

  it('a node is SIGKILLed while publishing; its subscribers fail over with since', async () => {
    const cluster = testCluster();
    const nodes = (await Promise.all([cluster.spawn(config), cluster.spawn(config), cluster.spawn(config)])) as ChildNode[];
    const [n0, n1, doomed] = nodes as [ChildNode, ChildNode, ChildNode];
    const checker = new DeliveryChecker();
    const onDoomed = [0, 1].map((j) => checker.subscriber(`reader-${j}@doomed`));
    for (const log of onDoomed) await follow(doomed, log.name, log);
    for (const [i, node] of [n0, n1].entries()) await follow(node, `reader@node-${i}`, checker.subscriber(`reader@node-${i}`));
    const traffic = startTraffic(nodes, { checker, channel: CHANNEL });
    await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 150, '150 acknowledged', 60_000);

    await doomed.kill();
    for (const [j, log] of onDoomed.entries()) await follow(j === 0 ? n0 : n1, log.name, log, lastOffset(log));
    await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 300, '300 acknowledged', 60_000);
    const tally = await traffic.stop();
    console.info(`requests to the dead node failed: ${tally.failures}`);
    await expectExactStreams('SIGKILL of a publishing node, failover with since', checker);
    console.info(`[checker] publications filled from the store by the survivors: ${await gapFills([n0, n1])}`);
    await expectStoreExact(n0, checker);
    expect(n0.exit).toBeUndefined();
    expect(n1.exit).toBeUndefined();
  }, 120_000);
});

describe.skipIf(missing !== undefined || redisServerUnavailable() !== undefined)(
  'channel delivery through a Redis restart, checked',
  () => {
    it('Redis is killed and started again while every node publishes', async () => {
      const redis = await startOwnRedis();
      const cluster = testCluster({ redisUrl: redis.url });
      const nodes = await Promise.all([cluster.spawn(config), cluster.spawn(config), cluster.spawn(config)]);
      const checker = new DeliveryChecker();
      for (const [i, node] of nodes.entries()) await follow(node, `reader-${i}`, checker.subscriber(`reader-${i}@node-${i}`));
      const traffic = startTraffic(nodes, { checker, channel: CHANNEL });
      await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= 150, '150 acknowledged', 60_000);

      await redis.kill();
      // Publishing goes on without Redis (the store assigns offsets); emits between nodes are lost.
      const during = checker.acknowledgedCount(CHANNEL);
      await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= during + 100, '100 acknowledged during the outage', 60_000);
      await redis.start();
      const after = checker.acknowledgedCount(CHANNEL);
      await waitUntil(() => checker.acknowledgedCount(CHANNEL) >= after + 150, '150 acknowledged after the restart', 60_000);
      const tally = await traffic.stop();

      await expectExactStreams('Redis restart while publishing, 3 nodes', checker);
      console.info(`[checker] publications filled from the store by the nodes: ${await gapFills(nodes)}`);
      await expectStoreExact(nodes[0] as ChildNode, checker);
      for (const node of nodes) expect(node.exit, `${node.nodeId} exited:\n${node.log()}`).toBeUndefined();
      expect(Object.keys(tally.codes).filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
    }, 120_000);
  },
);
