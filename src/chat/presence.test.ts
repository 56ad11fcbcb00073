import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';

describe('presence announcements', () => {
  it('announces online on the first device, offline only after the last one leaves, and agrees with /api/presence', async () => {
    const server = await startChatServer({ config: { presence: { offlineGraceMs: 50 } } });
    await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: bob } = await server.connect('bob');
    const online = nextEvent(bob, 'user:online');
    const { socket: phone } = await server.connect('alice');
    expect(await online).toEqual({ userId: 'alice', status: 'online' });
    const { socket: laptop } = await server.connect('alice');
    await expectNoEvent(bob, 'user:online');

    const presence = async () => (await server.request('GET', '/api/presence?userIds=alice,nobody', { apiKey: true })).body.presence;
    expect((await presence()).alice).toEqual({ status: 'online', online: true, lastSeen: null, devices: 2 });
    expect((await presence()).nobody).toEqual({ status: 'offline', online: false, lastSeen: null, devices: 0 });
    expect(await server.switchboard.isUserOnline('alice')).toBe(true);
    expect(await server.switchboard.getOnlineUsers()).toEqual(expect.arrayContaining(['alice', 'bob']));

    phone.disconnect();
    await expectNoEvent(bob, 'user:offline', 200);
    expect((await presence()).alice.devices).toBe(1);

    const offline = nextEvent<{ userId: string; lastSeen: string }>(bob, 'user:offline');
    laptop.disconnect();
    const gone = await offline;
    expect(gone.userId).toBe('alice');
    expect(Number.isNaN(Date.parse(gone.lastSeen))).toBe(false);
    expect((await presence()).alice).toEqual({ status: 'offline', online: false, lastSeen: gone.lastSeen, devices: 0 });
    expect(await server.switchboard.isUserOnline('alice')).toBe(false);
    expect(await server.switchboard.getOnlineUsers()).not.toContain('alice');
  });

  it('does not flap when the last device reconnects within the grace period', async () => {
    const server = await startChatServer({ config: { presence: { offlineGraceMs: 400 } } });
    await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: bob } = await server.connect('bob');
    const { socket: tab } = await server.connect('alice');
    tab.disconnect();
    await server.connect('alice'); // the reload
    await Promise.all([expectNoEvent(bob, 'user:offline', 800), expectNoEvent(bob, 'user:online', 800)]);
    expect(await server.switchboard.isUserOnline('alice')).toBe(true);
  });

  it("announces user:status to contacts and the user's own devices only", async () => {
    const server = await startChatServer();
    await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: alice2 } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const { socket: stranger } = await server.connect('stranger');
    const toBob = nextEvent(bob, 'user:status');
    const onlineWithStatus = nextEvent(bob, 'user:online');
    const toOtherDevice = nextEvent(alice2, 'user:status');
    expect(await emitAck(alice, 'user:status', 'away')).toEqual({ ok: true, data: { status: 'away' } });
    expect(await toBob).toEqual({ userId: 'alice', status: 'away' });
    expect(await onlineWithStatus).toEqual({ userId: 'alice', status: 'away' });
    expect(await toOtherDevice).toEqual({ userId: 'alice', status: 'away' });
    await expectNoEvent(stranger, 'user:status');
    const presence = await server.request('GET', '/api/presence?userIds=alice', { token: await server.token('bob') });
    expect(presence.body.presence.alice).toMatchObject({ status: 'away', online: true, devices: 2 });
    expect(await emitAck(alice, 'user:status', 'sleeping')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
