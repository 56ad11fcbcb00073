/** Every credential refusal with its contract code, and each token source. */
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createClient, emitAck, expectRefused } from '../../test/support/client.js';
import { startTestServer, TEST_SECRET } from '../../test/support/server.js';

const secret = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);

describe('handshake refusals', () => {
  it('no token is AUTH_REQUIRED with err.data = { code, message }', async () => {
    const server = await startTestServer();
    const err = await expectRefused(server.url);
    expect(err.message).toBe('AUTH_REQUIRED');
    expect(err.data).toEqual({ code: 'AUTH_REQUIRED', message: expect.any(String) });
  });

  it.each([
    ['malformed', 'not-a-jwt'],
    ['three garbage parts', 'aaa.bbb.ccc'],
    ['unknown session', 'sbs_doesnotexist'],
  ])('%s is AUTH_INVALID', async (_name, token) => {
    const server = await startTestServer();
    const err = await expectRefused(server.url, { token });
    expect(err.data?.code).toBe('AUTH_INVALID');
  });

  it('wrong signature is AUTH_INVALID', async () => {
    const server = await startTestServer();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-of-enough-length!!'));
    expect((await expectRefused(server.url, { token })).data?.code).toBe('AUTH_INVALID');
  });

  it('alg none is AUTH_INVALID', async () => {
    const server = await startTestServer();
    const token = new UnsecuredJWT({ sub: '1' }).setExpirationTime('1h').encode();
    expect((await expectRefused(server.url, { token })).data?.code).toBe('AUTH_INVALID');
  });

  it('a token without sub is AUTH_INVALID', async () => {
    const server = await startTestServer();
    const token = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret);
    expect((await expectRefused(server.url, { token })).data?.code).toBe('AUTH_INVALID');
  });

  it('expired is AUTH_EXPIRED; not yet valid (nbf) is AUTH_INVALID', async () => {
    const server = await startTestServer();
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setExpirationTime(now() - 60)
      .sign(secret);
    expect((await expectRefused(server.url, { token: expired })).data?.code).toBe('AUTH_EXPIRED');
    const future = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setNotBefore(now() + 600)
      .setExpirationTime('1h')
      .sign(secret);
    expect((await expectRefused(server.url, { token: future })).data?.code).toBe('AUTH_INVALID');
  });

  it('wrong issuer or audience is AUTH_INVALID', async () => {
    const server = await startTestServer({ config: { auth: { issuer: 'my-app', audience: 'my-clients' } } });
    const good = await server.token('1');
    const ack = await (async () => {
      const socket = createClient(server.url, { token: good });
      socket.connect();
      await new Promise((r) => socket.once('connected', r));
      return emitAck(socket, 'ping');
    })();
    expect(ack.ok).toBe(true);
    const wrongIss = await server.token('1', { issuer: 'other-app' });
    expect((await expectRefused(server.url, { token: wrongIss })).data?.code).toBe('AUTH_INVALID');
    const wrongAud = await server.token('1', { audience: 'someone-else' });
    expect((await expectRefused(server.url, { token: wrongAud })).data?.code).toBe('AUTH_INVALID');
  });

  it('a numeric sub becomes a string user id', async () => {
    const server = await startTestServer();
    const token = await new SignJWT({ sub: 39 as unknown as string })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(secret);
    const { connected } = await server.connect('ignored', { token });
    expect(connected.userId).toBe('39');
  });
});

describe('token sources', () => {
  it('auth.token, query token, Authorization header and cookie all work', async () => {
    const server = await startTestServer();
    const token = await server.token('7', { roles: ['monitor'], name: 'Seven' });
    const viaAuth = await server.connect('7', { token });
    expect(viaAuth.connected).toMatchObject({ userId: '7', isLoggedIn: true, roles: ['monitor'], unreadNotifications: 0 });
    const viaQuery = await server.connect('7', { auth: {}, token: undefined, query: { token } } as never);
    expect(viaQuery.connected.userId).toBe('7');
    // Headers can only be set on the polling transport in Node's client.
    const viaHeader = await server.connect('7', {
      auth: {},
      transports: ['polling'],
      extraHeaders: { authorization: `Bearer ${token}` },
    } as never);
    expect(viaHeader.connected.userId).toBe('7');
    const viaCookie = await server.connect('7', {
      auth: {},
      transports: ['polling'],
      extraHeaders: { cookie: `other=1; switchboard_token=${token}` },
    } as never);
    expect(viaCookie.connected.userId).toBe('7');
  });

  it('connected carries the contract fields and roles [] when the token has none', async () => {
    const server = await startTestServer();
    const { socket, connected } = await server.connect('42');
    expect(connected).toMatchObject({ socketId: socket.id, userId: '42', isLoggedIn: true, roles: [] });
    expect(typeof connected.message).toBe('string');
    expect(typeof connected.unreadNotifications).toBe('number');
    expect(connected.timestamp).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('both transports work: polling only and websocket only', async () => {
    const server = await startTestServer();
    const polling = await server.connect('p', { transports: ['polling'] });
    expect((await emitAck(polling.socket, 'ping')).ok).toBe(true);
    const ws = await server.connect('w', { transports: ['websocket'] });
    expect((await emitAck(ws.socket, 'ping')).ok).toBe(true);
  });

  it('refuses a browser origin that is not allowed, and accepts an allowed one', async () => {
    const server = await startTestServer({ config: { cors: { origins: ['https://app.example'] } } });
    const token = await server.token('1');
    const refused = await expectRefused(server.url, { token, transports: ['polling'], extraHeaders: { origin: 'https://evil.example' } });
    expect(refused).toBeInstanceOf(Error);
    const ok = await server.connect('1', { transports: ['polling'], extraHeaders: { origin: 'https://app.example' } });
    expect(ok.connected.userId).toBe('1');
  });
});
