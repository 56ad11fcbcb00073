/**
 * Issue 12, "No connection limits": each limit refuses with RATE_LIMITED while other
 * clients go on being served. Client IPs are told apart with X-Forwarded-For under
 * `trustProxy` (every test socket comes from 127.0.0.1).
 */
import { describe, expect, it } from 'vitest';
import { emitAck, expectRefused } from '../../test/support/client.js';
import { captureLogs } from '../../test/support/logs.js';
import { startTestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';

const from = (ip: string) => ({ extraHeaders: { 'x-forwarded-for': ip } });

describe('connection caps', () => {
  it('maxConnectionsPerUser: the next socket of that user is refused, other users connect, a freed place is reused', async () => {
    const server = await startTestServer({ config: { limits: { maxConnectionsPerUser: 2 } } });
    const first = await server.connect('alice');
    await server.connect('alice');
    const refused = await expectRefused(server.url, { token: await server.token('alice') });
    expect(refused.message).toBe('RATE_LIMITED');
    expect(refused.data).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'maxConnectionsPerUser', max: 2 } });

    const bob = await server.connect('bob');
    expect((await emitAck(bob.socket, 'ping')).ok).toBe(true);
    expect((await emitAck(first.socket, 'ping')).ok).toBe(true);

    first.socket.disconnect();
    await waitFor(async () => (await server.switchboard.connectionCount('user', 'alice')) === 1, 5000, 'the place given back');
    await server.connect('alice');
  });

  it('maxConnectionsPerIp: a crowded address is refused, another address is served', async () => {
    const server = await startTestServer({ config: { trustProxy: true, limits: { maxConnectionsPerIp: 3 } } });
    for (const user of ['u1', 'u2', 'u3']) await server.connect(user, from('203.0.113.7'));
    const refused = await expectRefused(server.url, { token: await server.token('u4'), ...from('203.0.113.7') });
    expect(refused.data).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'maxConnectionsPerIp' } });
    const other = await server.connect('u4', from('198.51.100.1'));
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
    expect(await server.switchboard.connectionCount('ip', '203.0.113.7')).toBe(3);
  });

  it('without trustProxy, X-Forwarded-For is ignored: the peer address counts', async () => {
    const server = await startTestServer({ config: { limits: { maxConnectionsPerIp: 1 } } });
    await server.connect('u1', from('203.0.113.8'));
    const refused = await expectRefused(server.url, { token: await server.token('u2'), ...from('198.51.100.2') });
    expect(refused.data?.code).toBe('RATE_LIMITED');
  });
});

describe('handshakesPerIpPerSecond', () => {
  it('refuses past the burst before verifying the token, logs the flood once, and serves another address', async () => {
    const logs = captureLogs();
    const server = await startTestServer({
      logger: logs.logger,
      // Handshake audit lines at info (their default is debug), so the refusal line is seen.
      config: { trustProxy: true, log: { handshakes: 'info' }, limits: { handshakesPerIpPerSecond: 1, handshakeBurst: 3 } },
    });
    const attacker = from('203.0.113.9');
    // Three bad signatures are verified (and refused for it) within the burst …
    for (let i = 0; i < 3; i++) {
      expect((await expectRefused(server.url, { token: 'not-a-jwt', ...attacker })).data?.code).toBe('AUTH_INVALID');
    }
    // … past it, the same bad token is refused for the rate: no verification happened.
    const refusals = [];
    for (let i = 0; i < 5; i++) refusals.push(await expectRefused(server.url, { token: 'not-a-jwt', ...attacker }));
    for (const refusal of refusals) expect(refusal.data?.code).toBe('RATE_LIMITED');
    const details = (refusals[0]?.data as { details?: { retryAfterMs?: number } } | undefined)?.details;
    expect(details?.retryAfterMs).toBeGreaterThan(0);

    const other = await server.connect('carol', from('198.51.100.3'));
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
    const rateLines = logs.lines.filter((line) => line.msg === 'handshake refused' && line.code === 'RATE_LIMITED');
    expect(rateLines).toHaveLength(1);
  });
});

describe('sessionsPerIpPerMinute', () => {
  it('answers 429 RATE_LIMITED with retryAfterMs past the rate, serves other addresses and API-key callers', async () => {
    const server = await startTestServer({ config: { trustProxy: true, limits: { sessionsPerIpPerMinute: 2 } } });
    const headers = { 'x-forwarded-for': '203.0.113.10' };
    expect((await server.request('POST', '/api/sessions', { headers })).status).toBe(201);
    expect((await server.request('POST', '/api/sessions', { headers })).status).toBe(201);
    const refused = await server.request('POST', '/api/sessions', { headers });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.details.retryAfterMs).toBeGreaterThan(0);

    expect((await server.request('POST', '/api/sessions', { headers: { 'x-forwarded-for': '198.51.100.4' } })).status).toBe(201);
    expect((await server.request('POST', '/api/sessions', { headers, apiKey: true })).status).toBe(201);
  });
});

describe('connectTimeoutMs', () => {
  it('closes an Engine.IO session that never sends CONNECT, while a real client connects', async () => {
    const server = await startTestServer({ config: { limits: { connectTimeoutMs: 300 } } });
    const engine = server.switchboard.context.io.engine;
    const open = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    const sid = JSON.parse((await open.text()).slice(1)).sid as string;
    expect(engine.clientsCount).toBe(1);
    const client = await server.connect('dave');
    await waitFor(() => !(sid in (engine as unknown as { clients: Record<string, unknown> }).clients), 5000, 'the idle session closed');
    expect((await emitAck(client.socket, 'ping')).ok).toBe(true);
  });
});

describe('sessions without CONNECT per IP', () => {
  it('refuses more than handshakeBurst pending Engine.IO sessions from one address, until they close', async () => {
    const server = await startTestServer({ config: { trustProxy: true, limits: { handshakeBurst: 2, connectTimeoutMs: 300 } } });
    const handshake = () => fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { 'x-forwarded-for': '203.0.113.60' } });
    expect((await handshake()).status).toBe(200);
    expect((await handshake()).status).toBe(200);
    expect((await handshake()).status).toBe(403);
    const other = await server.connect('erin', from('198.51.100.60'));
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
    await waitFor(async () => (await handshake()).status === 200, 5000, 'the pending sessions to close');
  });
});

describe('trustProxy on HTTP', () => {
  it('request.ip is the last X-Forwarded-For entry, the one the proxy added', async () => {
    const logs = captureLogs();
    const server = await startTestServer({ logger: logs.logger, config: { trustProxy: true } });
    await server.request('POST', '/api/sessions', { headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.77' } });
    const created = logs.lines.find((line) => line.msg === 'guest session created');
    expect(created?.address).toBe('203.0.113.77');
  });
});

describe('polling clients', () => {
  it('are counted under their own address too (the handshake request may be gone when CONNECT arrives)', async () => {
    const server = await startTestServer({ config: { trustProxy: true, limits: { maxConnectionsPerIp: 1 } } });
    await server.connect('p1', { transports: ['polling'], ...from('203.0.113.70') });
    const refused = await expectRefused(server.url, { token: await server.token('p2'), transports: ['polling'], ...from('203.0.113.70') });
    expect(refused.data?.code).toBe('RATE_LIMITED');
    const other = await server.connect('p3', { transports: ['polling'], ...from('198.51.100.70') });
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
    expect(await server.switchboard.connectionCount('ip', '203.0.113.70')).toBe(1);
  });
});
