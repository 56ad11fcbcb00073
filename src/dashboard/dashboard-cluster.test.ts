/**
 * The admin routes on several real nodes sharing Redis: every node in the overview,
 * totals from the shared presence store, channel pages merged across nodes (counts
 * summed, paging exact), a user's sockets and a disconnect on whichever node holds them.
 */
import { describe, expect, it } from 'vitest';
import { CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { nextEvent } from '../../test/support/client.js';
import { testCluster } from '../../test/support/cluster.js';
import { adminGet } from '../../test/support/dashboard.js';
import { redisUnavailable } from '../../test/support/services.js';

const redisReason = await redisUnavailable();

describe.skipIf(redisReason !== undefined)('dashboard on a cluster (Redis)', () => {
  it('the overview lists every node and counts connections cluster-wide', async () => {
    const cluster = testCluster();
    const a = await cluster.node();
    const b = await cluster.node();
    await a.connect('alice');
    await b.connect('bob');
    await b.connect('bob');

    for (const node of [a, b]) {
      await expect.poll(async () => (await adminGet(node, '/api/admin/overview')).connections).toBe(3);
      const o = await adminGet(node, '/api/admin/overview');
      expect(o).toMatchObject({ users: 2, nodes: { expected: 2, answered: 2 }, nodeId: node.switchboard.context.nodeId });
      const perNode = Object.fromEntries(o.nodes.list.map((n: { nodeId: string; connections: number }) => [n.nodeId, n.connections]));
      expect(perNode).toEqual({ [a.switchboard.context.nodeId]: 1, [b.switchboard.context.nodeId]: 2 });
      expect(o.status.find((s: { name: string }) => s.name === 'redis')).toMatchObject({ state: 'up', details: { nodes: 2 } });
    }
  });

  it('channel pages merge the nodes: counts summed, every channel once, in order', async () => {
    const cluster = testCluster();
    const a = await cluster.node(CHANNELS_TEST_CONFIG);
    const b = await cluster.node(CHANNELS_TEST_CONFIG);
    const { socket: onA } = await a.connect('u1');
    const { socket: onB } = await b.connect('u2');
    // Interleaved names, so that a correct page needs both nodes' lists.
    for (const name of ['news:a', 'news:c', 'news:e', 'news:shared']) await subscribeOk(onA, name);
    for (const name of ['news:b', 'news:d', 'news:f', 'news:shared']) await subscribeOk(onB, name);

    const seen: Array<[string, number]> = [];
    let cursor = '';
    for (let guard = 0; guard < 10; guard++) {
      const page = await adminGet(a, `/api/admin/channels?prefix=news:&limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect(page.nodes).toEqual({ expected: 2, answered: 2 });
      seen.push(...page.channels.map((c: { name: string; subscribers: number }) => [c.name, c.subscribers] as [string, number]));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([
      ['news:a', 1],
      ['news:b', 1],
      ['news:c', 1],
      ['news:d', 1],
      ['news:e', 1],
      ['news:f', 1],
      ['news:shared', 2],
    ]);
  });

  it("a user's sockets on two nodes, seen from a third; a disconnect from there closes both", async () => {
    const cluster = testCluster();
    const a = await cluster.node();
    const b = await cluster.node();
    const c = await cluster.node();
    const { socket: phone } = await a.connect('carol');
    const { socket: laptop } = await b.connect('carol', { transports: ['polling'] });

    const { sockets, nodes } = await adminGet(c, '/api/admin/users/carol/sockets');
    expect(nodes).toEqual({ expected: 3, answered: 3 });
    expect(sockets.map((s: { id: string; nodeId: string; transport: string }) => [s.id, s.nodeId, s.transport]).sort()).toEqual(
      [
        [phone.id, a.switchboard.context.nodeId, 'websocket'],
        [laptop.id, b.switchboard.context.nodeId, 'polling'],
      ].sort(),
    );

    const closed = Promise.all([nextEvent(phone, 'disconnect'), nextEvent(laptop, 'disconnect')]);
    const res = await c.request('POST', '/api/admin/users/carol/disconnect', { apiKey: true });
    expect(res).toMatchObject({ status: 200, body: { disconnected: 2 } });
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
    await expect.poll(async () => (await adminGet(c, '/api/admin/users/carol')).presence.online).toBe(false);
  });
});
