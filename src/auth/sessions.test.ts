/** Guest sessions: created over HTTP, stored, expiring and revocable. */
import { describe, expect, it } from 'vitest';
import { connectClient, emitAck, expectRefused, nextEvent } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('guest sessions', () => {
  it('POST /api/sessions returns a token that connects as a guest', async () => {
    const server = await startTestServer();
    const created = await server.request('POST', '/api/sessions', { body: { metadata: { source: 'my-app' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ok: true, token: expect.stringMatching(/^sbs_/), expiresAt: expect.any(String) });
    const expiresIn = Date.parse(created.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 24 * 3600 * 1000);

    const { socket, connected } = await connectClient(server.url, { token: created.body.token });
    expect(connected).toMatchObject({ isLoggedIn: false, roles: [], userId: expect.stringMatching(/^guest_/) });
    const status = nextEvent<any>(socket, 'status_response');
    await emitAck(socket, 'status');
    expect((await status).connection).toMatchObject({ isLoggedIn: false, rooms: [`user:${connected.userId}`] });
  });

  it('accepts an empty body and refuses a bad one', async () => {
    const server = await startTestServer();
    expect((await server.request('POST', '/api/sessions')).status).toBe(201);
    const bad = await server.request('POST', '/api/sessions', { body: { metadata: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const malformed = await server.request('POST', '/api/sessions', { rawBody: '{"metadata":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('an expired session is AUTH_EXPIRED', async () => {
    const server = await startTestServer({ config: { auth: { sessionTtlSeconds: 1 } } });
    const { body } = await server.request('POST', '/api/sessions');
    // The session lives one second: poll the handshake until it is past.
    await expect
      .poll(async () => (await expectRefused(server.url, { token: body.token }).catch(() => undefined))?.data?.code, { timeout: 5000 })
      .toBe('AUTH_EXPIRED');
  });

  it('a guest revokes its own session: live sockets end and the token stops working', async () => {
    const server = await startTestServer();
    const { body } = await server.request('POST', '/api/sessions');
    const { socket } = await connectClient(server.url, { token: body.token });
    const gone = new Promise((r) => socket.once('disconnect', r));
    const revoked = await server.request('DELETE', '/api/sessions/current', { token: body.token });
    expect(revoked).toMatchObject({ status: 200, body: { ok: true } });
    await gone;
    expect((await expectRefused(server.url, { token: body.token })).data?.code).toBe('AUTH_INVALID');
  });

  it('the app backend revokes a session by id with its API key', async () => {
    const server = await startTestServer();
    const { body } = await server.request('POST', '/api/sessions');
    const { connected } = await connectClient(server.url, { token: body.token });
    expect((await server.request('DELETE', `/api/sessions/${body.sessionId}`)).status).toBe(401);
    const user = await server.token('u1');
    expect((await server.request('DELETE', `/api/sessions/${body.sessionId}`, { token: user })).status).toBe(403);
    expect((await server.request('DELETE', `/api/sessions/${body.sessionId}`, { apiKey: true })).status).toBe(200);
    expect((await server.request('DELETE', `/api/sessions/${body.sessionId}`, { apiKey: true })).status).toBe(404);
    expect((await expectRefused(server.url, { token: body.token })).data?.code).toBe('AUTH_INVALID');
    expect(connected.isLoggedIn).toBe(false);
  });
});
