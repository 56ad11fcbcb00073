/**
 * The trip-planner seed's flow (seeds/001) end to end: the backend adds members,
 * clients join a trip channel (trip:join → subscribe, trip:joined → the ack,
 * user:joined to the others), updates arrive as `trip:updated` from the backend
 * (POST /api/publish) and from another member (client publish), a member leaves
 * (user:left) and stops receiving.
 */
import { describe, expect, it } from 'vitest';
import { addMember, apiPublish, subscribeOk, withChannels } from '../../test/support/channels.js';
import { emitAck, expectNoEvent, nextEvent, nextEventArgs } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('trip planner flow', () => {
  it('join, updates from the backend and from a member, leave', async () => {
    const server = await startTestServer({
      config: withChannels({ trip: { policy: 'members', joinLeave: true, clientPublish: true, history: { size: 100 } } }),
    });
    await addMember(server, 'trip:123', 'alice');
    await addMember(server, 'trip:123', 'bob');
    const alice = (await server.connect('alice')).socket;
    const bob = (await server.connect('bob')).socket;
    const eve = (await server.connect('eve')).socket;

    expect(await subscribeOk(alice, { channel: 'trip:123' })).toEqual({ channel: 'trip:123', offset: 0, recovered: false, missed: [] });
    const bobJoined = nextEvent(alice, 'user:joined');
    await subscribeOk(bob, 'trip:123');
    expect(await bobJoined).toEqual({ channel: 'trip:123', userId: 'bob' });

    // The backend saves a change and pushes it.
    const fromBackend = [nextEventArgs(alice, 'trip:updated'), nextEventArgs(bob, 'trip:updated')];
    const published = await apiPublish(server, 'trip:123', 'trip:updated', { changes: { name: 'Lisbon' }, updatedBy: 'alice' });
    expect(published.offset).toBe(1);
    for (const args of await Promise.all(fromBackend)) {
      expect(args[0]).toEqual({ changes: { name: 'Lisbon' }, updatedBy: 'alice' });
      expect(args[1]).toMatchObject({ channel: 'trip:123', offset: 1 });
    }

    // Bob edits from his client; Alice sees it, Bob has his ack.
    const fromBob = nextEventArgs(alice, 'trip:updated');
    const ack = await emitAck(bob, 'publish', {
      channel: 'trip:123',
      event: 'trip:updated',
      data: { changes: { days: 5 }, updatedBy: 'bob' },
    });
    expect(ack).toEqual({ ok: true, data: { offset: 2 } });
    expect((await fromBob).slice(0, 2)).toEqual([{ changes: { days: 5 }, updatedBy: 'bob' }, expect.objectContaining({ offset: 2 })]);
    await expectNoEvent(eve, 'trip:updated');

    // Alice leaves: Bob is told, and Alice no longer receives.
    const aliceLeft = nextEvent(bob, 'user:left');
    await emitAck(alice, 'unsubscribe', 'trip:123');
    expect(await aliceLeft).toEqual({ channel: 'trip:123', userId: 'alice' });
    const toBob = nextEvent(bob, 'trip:updated');
    await apiPublish(server, 'trip:123', 'trip:updated', { changes: { budget: 900 } });
    expect(await toBob).toEqual({ changes: { budget: 900 } });
    await expectNoEvent(alice, 'trip:updated');

    // Coming back later, Alice catches up on what she missed.
    const back = await subscribeOk(alice, { channel: 'trip:123', since: 2 });
    expect(back.recovered).toBe(true);
    expect(back.missed.map((p) => p.data)).toEqual([{ changes: { budget: 900 } }]);
  });
});
