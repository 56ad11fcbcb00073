/**
 * Presence and typing across nodes when a node dies (issue 11): devices on two nodes
 * in child processes, one node SIGKILLed. Its users' contacts get `user:offline` and
 * `typing:stop` once, from the surviving node; a grace started on the dead node still
 * ends in `user:offline`; a reload onto another node within the grace sends neither
 * `user:offline` nor `user:online`.
 */
import { describe, expect, it } from 'vitest';
import { collect, emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';
import { type ChildNode, type ClusterNode, testCluster, waitUntil } from '../../test/support/cluster.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';

const missing = (await redisUnavailable()) ?? (await postgresUnavailable());

const GRACE_MS = 600;
const config = {
  rateLimits: { default: { points: 1000, perSeconds: 1 } },
  redis: { heartbeatIntervalMs: 200, nodeTimeoutMs: 1500 },
  presence: { offlineGraceMs: GRACE_MS, sweepIntervalMs: 100 },
  typing: { timeoutMs: 1000 },
};

async function converse(node: ClusterNode, creator: string, other: string): Promise<string> {
  const res = await node.request('POST', '/api/conversations', {
    token: await node.token(creator),
    body: { kind: 'direct', memberIds: [other] },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create conversation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation.id;
}

describe.skipIf(missing !== undefined)('presence and typing when a node dies', () => {
  it('contacts on the surviving node get typing:stop and user:offline once for the dead node’s user', async () => {
    const cluster = testCluster();
    const [doomed, survivor] = (await Promise.all([cluster.spawn(config), cluster.spawn(config)])) as [ChildNode, ChildNode];
    const conversationId = await converse(survivor, 'alice', 'bob');
    const { socket: bob } = await survivor.connect('bob');
    const { socket: alice } = await doomed.connect('alice');
    const offline = collect<{ userId: string; lastSeen: string }>(bob, 'user:offline');
    const stops = collect(bob, 'typing:stop');

    const started = nextEvent(bob, 'typing:start');
    expect(await emitAck(alice, 'typing:start', { conversationId })).toMatchObject({ ok: true });
    expect(await started).toEqual({ userId: 'alice', conversationId });

    await doomed.kill();
    expect(doomed.exit?.signal).toBe('SIGKILL');
    await waitUntil(() => stops.length > 0, 'typing:stop from the surviving node');
    expect(stops).toEqual([{ userId: 'alice', conversationId }]);
    await waitUntil(() => offline.length > 0, 'user:offline after the node timeout', 15_000);
    expect(offline).toEqual([{ userId: 'alice', lastSeen: expect.any(String) }]);
    const presence = await survivor.request('GET', '/api/presence?userIds=alice', { apiKey: true });
    expect(presence.body.presence.alice).toMatchObject({ online: false, devices: 0 });
    // Once: nothing more comes after the sweep and the claim.
    await expectNoEvent(bob, 'user:offline', 500);
    expect(stops).toHaveLength(1);
  });

  it('a grace started on a node that then dies still ends in user:offline', async () => {
    const cluster = testCluster();
    const [doomed, survivor] = (await Promise.all([cluster.spawn(config), cluster.spawn(config)])) as [ChildNode, ChildNode];
    await converse(survivor, 'erin', 'frank');
    const { socket: frank } = await survivor.connect('frank');
    const { socket: erin } = await doomed.connect('erin');
    const offline = nextEvent<{ userId: string }>(frank, 'user:offline', 15_000);
    erin.disconnect();
    await waitUntil(async () => {
      const res = await survivor.request('GET', '/api/presence?userIds=erin', { apiKey: true });
      return res.body.presence.erin.online === false;
    }, 'erin left');
    await doomed.kill(); // within the grace: its timer is gone with it
    expect(await offline).toMatchObject({ userId: 'erin' });
  });

  it('a reload onto another node within the grace sends neither user:offline nor user:online', async () => {
    const cluster = testCluster();
    const [a, b] = (await Promise.all([cluster.spawn(config), cluster.spawn(config)])) as [ChildNode, ChildNode];
    await converse(b, 'carol', 'dave');
    const { socket: dave } = await b.connect('dave');
    // Carol's first connect is announced from node A through Redis: let it arrive
    // before watching, or it lands in `online` below as if the reload had sent it.
    const firstOnline = nextEvent<{ userId: string }>(dave, 'user:online', 15_000);
    const { socket: tab } = await a.connect('carol');
    expect(await firstOnline).toMatchObject({ userId: 'carol' });
    const offline = collect(dave, 'user:offline');
    const online = collect(dave, 'user:online');

    tab.disconnect();
    const { socket: reloaded } = await b.connect('carol'); // the reload lands on the other node
    await expectNoEvent(dave, 'user:offline', GRACE_MS * 3);
    expect({ offline, online }).toEqual({ offline: [], online: [] });

    // The control: leaving for good is announced, once.
    reloaded.disconnect();
    await waitUntil(() => offline.length > 0, 'user:offline after the grace');
    expect(offline).toEqual([{ userId: 'carol', lastSeen: expect.any(String) }]);
    expect(online).toEqual([]);
  });
});
