/**
 * Issue 12, "Cluster-wide where Redis is configured": connection caps and per-IP rates
 * are shared by every node, and a node that dies does not keep its connections
 * counted (its heartbeat expires and the next claim drops its share).
 */
import { describe, expect, it } from 'vitest';
import { emitAck, expectRefused } from '../../test/support/client.js';
import { testCluster } from '../../test/support/cluster.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait.js';

const reason = (await redisUnavailable()) ?? (await postgresUnavailable());
const fastHeartbeat = { heartbeatIntervalMs: 200, nodeTimeoutMs: 800 };

describe.skipIf(reason !== undefined)('limits across nodes on Redis', () => {
  it('maxConnectionsPerUser counts the user’s sockets on every node', async () => {
    const cluster = testCluster();
    const config = { limits: { maxConnectionsPerUser: 2 }, redis: fastHeartbeat };
    const a = await cluster.node(config);
    const b = await cluster.node(config);
    await a.connect('alice');
    const onB = await b.connect('alice');
    const refused = await expectRefused(a.url, { token: await a.token('alice') });
    expect(refused.data?.code).toBe('RATE_LIMITED');
    expect(await a.switchboard.connectionCount('user', 'alice')).toBe(2);
    const bob = await b.connect('bob');
    expect((await emitAck(bob.socket, 'ping')).ok).toBe(true);

    onB.socket.disconnect();
    await waitFor(async () => (await a.switchboard.connectionCount('user', 'alice')) === 1, 5000, 'the place given back');
    await a.connect('alice');
  });

  it('handshakesPerIpPerSecond is one budget for all nodes', async () => {
    const cluster = testCluster();
    const config = { trustProxy: true, limits: { handshakesPerIpPerSecond: 1, handshakeBurst: 2 }, redis: fastHeartbeat };
    const a = await cluster.node(config);
    const b = await cluster.node(config);
    const from = { extraHeaders: { 'x-forwarded-for': '203.0.113.50' } };
    await a.connect('u1', from);
    await b.connect('u2', from);
    const refused = await expectRefused(a.url, { token: await a.token('u3'), ...from });
    expect(refused.data?.code).toBe('RATE_LIMITED');
  });

  it('the connections of a node that was killed stop counting once its heartbeat expires', async () => {
    const cluster = testCluster();
    const config = { limits: { maxConnectionsPerUser: 2 }, redis: fastHeartbeat };
    const a = await cluster.node(config);
    const doomed = await cluster.spawn(config);
    await doomed.connect('carol');
    await doomed.connect('carol');
    expect((await expectRefused(a.url, { token: await a.token('carol') })).data?.code).toBe('RATE_LIMITED');
    await doomed.kill();
    await waitFor(async () => (await a.switchboard.connectionCount('user', 'carol')) === 0, 10_000, 'the dead node’s share dropped');
    await a.connect('carol');
    await a.connect('carol');
  });

  it('a Redis that lost the counters gets them back from each node at its next heartbeat', async () => {
    const cluster = testCluster();
    const a = await cluster.node({ limits: { maxConnectionsPerUser: 2 }, redis: fastHeartbeat });
    await a.connect('dana');
    await a.connect('dana');
    const keys = await cluster.redis.keys(`${cluster.prefix}conns:*`);
    expect(keys.length).toBeGreaterThan(0);
    await cluster.redis.del(...keys);
    await waitFor(async () => (await a.switchboard.connectionCount('user', 'dana')) === 2, 5000, 'the counts written back');
    expect((await expectRefused(a.url, { token: await a.token('dana') })).data?.code).toBe('RATE_LIMITED');
  });
});
