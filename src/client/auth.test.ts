/**
 * Tokens in the SDK against a real server: `getToken` at start, on `auth:expiring`
 * (answered with `auth:refresh`, no disconnect) and after AUTH_EXPIRED (a refused
 * handshake or a live expiry); AUTH_INVALID ends in `closed` without a reconnect loop.
 */
import { describe, expect, it } from 'vitest';
import { apiPublish } from '../../test/support/channels.js';
import { waitUntil } from '../../test/support/cluster.js';
import { reach, recordStates, sdkClient } from '../../test/support/sdk.js';
import { startTestServer } from '../../test/support/server.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import { signToken } from '../auth/sign-token.js';

describe('getToken', () => {
  it('refreshes an expiring token over the live connection, with no disconnect', async () => {
    const server = await startTestServer({ config: { auth: { expiryWarningSeconds: 1 } } });
    const expiries: number[] = [];
    const sb = sdkClient({
      url: server.url,
      getToken: async () => {
        const ttl = expiries.length === 0 ? 2 : 3600;
        expiries.push(Date.now() + ttl * 1000);
        return server.token('5', { ttl });
      },
    });
    await sb.ready;
    const states = recordStates(sb);
    await waitUntil(() => expiries.length === 2, 'getToken called on auth:expiring', 5000);
    // Past the first token's expiry (and the server's check of it), still the same connection.
    const socketId = sb.info?.socketId;
    await waitUntil(() => Date.now() > (expiries[0] as number) + 1000, 'the first token expired', 5000);
    expect((await sb.call('ping')).timestamp).toEqual(expect.any(String));
    expect(states).toEqual([]);
    expect(sb.socket.id).toBe(socketId);
    expect(expiries).toHaveLength(2);
  });

  it('fetches a new token after an AUTH_EXPIRED handshake and connects with it', async () => {
    const server = await startTestServer();
    let calls = 0;
    const sb = sdkClient({
      url: server.url,
      // The first token expired a minute ago (beyond the clock tolerance).
      getToken: () => server.token('5', { ttl: ++calls === 1 ? -60 : 3600 }),
    });
    const errors: string[] = [];
    sb.on('error', (e) => errors.push(e.code));
    const info = await sb.ready;
    expect(info.userId).toBe('5');
    expect(calls).toBe(2);
    expect(errors).toEqual(['AUTH_EXPIRED']);
  });

  it('reconnects with a new token after a live AUTH_EXPIRED disconnect, subscriptions kept', async () => {
    const server = await startTestServer({
      config: { auth: { expiryWarningSeconds: 1 }, channels: { news: { policy: 'public', history: { size: 10 } } } },
    });
    let calls = 0;
    const sb = sdkClient({
      url: server.url,
      getToken: async () => {
        calls++;
        // The refresh on auth:expiring fails (a backend hiccup), so the server ends the connection.
        if (calls === 2) throw new Error('token backend down');
        return server.token('5', { ttl: calls === 1 ? 2 : 3600 });
      },
    });
    const offsets: number[] = [];
    const sub = sb.subscribe('news:1', { onPublication: (p) => offsets.push(p.offset) });
    await sb.ready;
    const states = recordStates(sb);
    const codes: string[] = [];
    sb.on('error', (e) => codes.push(e.code));
    await reach(sb, 'disconnected', 6000);
    const { offset } = await apiPublish(server, 'news:1', 'tick', {});
    await reach(sb, 'connected');
    await waitUntil(() => offsets.includes(offset), 'the publication made while away');
    expect(calls).toBe(3);
    expect(codes).toContain('AUTH_EXPIRED');
    expect(states).toEqual(['disconnected', 'connecting', 'connected']);
    expect(sub.state).toBe('subscribed');
  });
});

describe('refused tokens', () => {
  it('AUTH_INVALID ends in closed with the error, without trying again', async () => {
    const server = await startTestServer();
    const proxy = await startTcpProxy(server.port);
    let calls = 0;
    const sb = sdkClient({
      url: proxy.url,
      getToken: () => {
        calls++;
        return signToken({ secret: 'another-secret-0123456789-0123456789', sub: '5' });
      },
    });
    const states = recordStates(sb);
    await expect(sb.ready).rejects.toMatchObject({ name: 'SwitchboardError', code: 'AUTH_INVALID' });
    expect(sb.state).toBe('closed');
    expect(sb.error?.code).toBe('AUTH_INVALID');
    expect(states).toEqual(['closed']);
    await expect(sb.call('ping')).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await expect(sb.chat.send({ receiverId: '6', content: 'hi' })).rejects.toMatchObject({ code: 'CLOSED' });
    // An absence check: no second handshake, no second token request.
    await new Promise((r) => setTimeout(r, 500));
    expect(proxy.accepted).toBe(1);
    expect(calls).toBe(1);
  });

  it('an expired fixed token with no getToken ends in closed (AUTH_EXPIRED)', async () => {
    const server = await startTestServer();
    const sb = sdkClient({ url: server.url, token: await server.token('5', { ttl: -60 }) });
    await expect(sb.ready).rejects.toMatchObject({ code: 'AUTH_EXPIRED' });
    expect(sb.state).toBe('closed');
  });

  it('no token at all: closed with AUTH_REQUIRED', async () => {
    const server = await startTestServer();
    const sb = sdkClient({ url: server.url });
    await expect(sb.ready).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(sb.state).toBe('closed');
  });
});
