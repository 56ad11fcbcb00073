/** `call()` and `presence.watch` against a real server. */
import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { waitUntil } from '../../test/support/cluster.js';
import { sdkClient } from '../../test/support/sdk.js';
import { startTestServer } from '../../test/support/server.js';
import { type Presence, SwitchboardError } from './index.js';

describe('call', () => {
  it('resolves with the ack data, waits while connecting, rejects with a SwitchboardError', async () => {
    const server = await startTestServer();
    const sb = sdkClient({ url: server.url, token: await server.token('u1') });
    expect(sb.state).toBe('connecting');
    const echo = await sb.call('echo', { hi: 1 }); // sent once connected
    expect(echo.received).toEqual({ hi: 1 });
    const error = await sb.call('message:send', { conversationId: 'c1', content: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    const unknown = await sb.call('subscribe', 'nope:1').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('api() reaches the HTTP API with the client’s token', async () => {
    const server = await startTestServer();
    const sb = sdkClient({ url: server.url, token: await server.token('u1') });
    await sb.ready;
    const me = await sb.api<{ you: { userId: string; connected: boolean } }>('GET', '/api/me/connections');
    expect(me.you).toMatchObject({ userId: 'u1', connected: true });
    await expect(sb.api('GET', '/api/notifications/nope/x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('presence.watch', () => {
  it('reports the current presence, then online and offline as they happen', async () => {
    const server = await startChatServer({ config: { presence: { offlineGraceMs: 100 } } });
    await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const alice = sdkClient({ url: server.url, token: await server.token('alice') });
    await alice.ready;
    const seen: Array<[string, Presence]> = [];
    const stop = alice.presence.watch(['bob', 'carol'], (userId, presence) => seen.push([userId, presence]));
    await waitUntil(() => seen.length === 2, 'both read');
    expect(Object.fromEntries(seen)).toEqual({
      bob: { status: 'offline', online: false, lastSeen: null, devices: 0 },
      carol: { status: 'offline', online: false, lastSeen: null, devices: 0 },
    });

    const bob = sdkClient({ url: server.url, token: await server.token('bob') });
    await bob.ready;
    await waitUntil(() => alice.presence.get('bob')?.online === true, 'bob online');
    bob.close();
    await waitUntil(() => alice.presence.get('bob')?.online === false, 'bob offline');
    expect(seen.filter(([id]) => id === 'bob').map(([, p]) => p.online)).toEqual([false, true, false]);
    expect(alice.presence.get('bob')?.lastSeen).toEqual(expect.any(String));
    stop();
  });
});
