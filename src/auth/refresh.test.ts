/** Live expiry: auth:expiring ahead of time, auth:refresh keeps the socket, else AUTH_EXPIRED and a disconnect. */
import { describe, expect, it } from 'vitest';
import { emitAck, nextEvent } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('token refresh and live expiry', () => {
  it('warns, accepts a refresh for the same sub, and stays connected past the old expiry', async () => {
    const server = await startTestServer({ config: { auth: { expiryWarningSeconds: 1 } } });
    const { socket } = await server.connect('5', { token: await server.token('5', { ttl: 2 }) });
    const warning = await nextEvent<{ expiresAt: string }>(socket, 'auth:expiring', 4000);
    expect(Date.parse(warning.expiresAt)).toBeGreaterThan(Date.now() - 1000);
    const refreshed = await emitAck<{ expiresAt: string }>(socket, 'auth:refresh', { token: await server.token('5', { ttl: 3600 }) });
    expect(refreshed).toMatchObject({ ok: true, data: { expiresAt: expect.any(String) } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(socket.connected).toBe(true);
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  });

  it('refuses a refresh for another sub and keeps the old credentials', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('5');
    const refused = await emitAck(socket, 'auth:refresh', { token: await server.token('6') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTH_INVALID' } });
    const status = nextEvent<any>(socket, 'status_response');
    socket.emit('status');
    expect((await status).connection.userId).toBe('5');
  });

  it('refuses a bad refresh payload with VALIDATION_FAILED and an invalid token with AUTH_INVALID', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('5');
    expect(await emitAck(socket, 'auth:refresh', { nope: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await emitAck(socket, 'auth:refresh', { token: 'garbage' })).toMatchObject({ ok: false, error: { code: 'AUTH_INVALID' } });
  });

  it('without a refresh: error AUTH_EXPIRED, then the server disconnects', async () => {
    const server = await startTestServer({ config: { auth: { expiryWarningSeconds: 1 } } });
    const { socket } = await server.connect('5', { token: await server.token('5', { ttl: 2 }) });
    const order: string[] = [];
    socket.on('auth:expiring', () => order.push('auth:expiring'));
    const error = nextEvent<{ code: string }>(socket, 'error', 5000);
    const reason = new Promise<string>((r) => socket.once('disconnect', (why) => r(why)));
    expect((await error).code).toBe('AUTH_EXPIRED');
    expect(await reason).toBe('io server disconnect');
    expect(order).toEqual(['auth:expiring']);
  });
});
