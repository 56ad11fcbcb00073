/**
 * Channel delivery on three nodes (child processes) under the delivery checker: every
 * node publishes, subscribers on every node record their streams. Scenarios: steady
 * load; a subscriber that reconnects to another node with `subscribe { since }`
 * mid-stream; a node SIGKILLed while publishing (its subscribers fail over with
 * `since`).
 *
 * What holds today and is asserted: every acknowledged publication is in the store,
 * at its own offset, with no gap and no duplicate, and no surviving node exits. The
 * live streams' figures (lost / duplicated / out of order) are printed for each
 * scenario; exactness of the live streams across nodes (ordering, hold-back, fill from
 * the store) is issue 11's second step, which will turn these figures into zeros.
 */
import { describe, expect, it } from 'vitest';
import { emitAck, type TestSocket } from '../../test/support/client.js';
import { type ChildNode, type ClusterNode, testCluster, waitUntil } from '../../test/support/cluster.js';
import { DeliveryChecker, formatReport, type SubscriberLog } from '../../test/support/delivery-checker.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';
import { recordPublications, startTraffic } from '../../test/support/traffic.js';
import type { SubscribeResult } from '../protocol/index.js';

const missing = (await redisUnavailable()) ?? (await postgresUnavailable());

const CHANNEL = 'load:1';
const config = {
  channels: { load: { policy: 'public', history: { size: 100_000 } } },
  rateLimits: { default: { points: 100_000, perSeconds: 1 } },
  redis: { heartbeatIntervalMs: 300, nodeTimeoutMs: 2000 },
} as const;

/** Subscribes a socket (optionally from `since`) and records live publications and `missed` into `log`. */
async function follow(node: ClusterNode, name: string, log: SubscriberLog, since?: number): Promise<TestSocket> {
  const { socket } = await node.connect(name);
  recordPublications(socket, log, CHANNEL);
  const ack = await emitAck<SubscribeResult>(socket, 'subscribe', since === undefined ? CHANNEL : { channel: CHANNEL, since });
  if (!ack.ok || !ack.data) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  log.from(CHANNEL, since ?? ack.data.offset);
  for (const publication of ack.data.missed) log.received(CHANNEL, publication.offset);
  return socket;
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
    await settle(checker);
    console.info(formatReport('steady load, 3 nodes x 2 publishers, 6 subscribers', checker.report()));
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
    await settle(checker);
    console.info(formatReport('reconnect to another node with since, 3 nodes', checker.report()));
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
    await settle(checker);
    console.info(
      formatReport('SIGKILL of a publishing node, failover with since', checker.report()),
      `requests to the dead node failed: ${tally.failures}`,
    );
    await expectStoreExact(n0, checker);
    expect(n0.exit).toBeUndefined();
    expect(n1.exit).toBeUndefined();
  }, 120_000);
});
