/** Health, readiness, metrics, status and the admin routes, with their access rules. */
import { describe, expect, it, vi } from 'vitest';
import { emitAck } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('HTTP monitoring routes', () => {
  it('/health and /ready answer; /ready reports the store', async () => {
    const server = await startTestServer();
    expect(await server.request('GET', '/health')).toMatchObject({ status: 200, body: { ok: true } });
    expect(await server.request('GET', '/ready')).toMatchObject({ status: 200, body: { ok: true, checks: { store: { ok: true } } } });
  });

  it('/ready is 503 UNAVAILABLE when the store is gone', async () => {
    const server = await startTestServer();
    await server.switchboard.context.store.close();
    const ready = await server.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' }, checks: { store: { ok: false } } });
  });

  it('/metrics exposes connections, events by name, errors and handshake failures by code, latency', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('1');
    await emitAck(socket, 'ping');
    await emitAck(socket, 'auth:refresh', 1);
    await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`).catch(() => undefined);
    const metrics = await server.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    const text = String(metrics.body);
    expect(text).toMatch(/switchboard_connections 1/);
    expect(text).toMatch(/switchboard_events_in_total\{event="ping"\} 1/);
    expect(text).toMatch(/switchboard_errors_total\{code="VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/switchboard_event_duration_seconds_bucket\{le="0.005",event="ping"\}/);
    expect(text).toMatch(/switchboard_events_out_total\{event="connected"\} 1/);
    expect(text).toContain('switchboard_handshake_failures_total');
    // Process metrics under one prefix, not `switchboard_process_process_…`.
    expect(text).toMatch(/^switchboard_process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^switchboard_nodejs_heap_size_used_bytes /m);
    expect(text).not.toContain('switchboard_process_process_');
  });

  it('/metrics can require a key', async () => {
    const server = await startTestServer({ config: { metrics: { requireKey: true } } });
    expect((await server.request('GET', '/metrics')).status).toBe(401);
    expect((await server.request('GET', '/metrics', { apiKey: true })).status).toBe(200);
    expect((await server.request('GET', '/metrics', { token: await server.token('m', { roles: ['monitor'] }) })).status).toBe(200);
  });

  it('/api/status matches the seed shape', async () => {
    const server = await startTestServer();
    await server.connect('1');
    await server.connect('1');
    await server.connect('2');
    const { status, body } = await server.request('GET', '/api/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      socketio: { ready: true, connectedUsers: 2, totalConnections: 3, endpoint: expect.any(String) },
      events: expect.arrayContaining(['ping', 'status', 'info', 'echo', 'message']),
      rooms: expect.arrayContaining(['user:{userId}', 'notifications', 'kafka-events']),
    });
  });

  it('/api/me/connections needs a user token and counts your devices', async () => {
    const server = await startTestServer();
    await server.connect('39');
    await server.connect('39');
    expect((await server.request('GET', '/api/me/connections')).status).toBe(401);
    const { status, body } = await server.request('GET', '/api/me/connections', { token: await server.token('39') });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      you: { userId: '39', connected: true, connections: 2 },
      server: { connectedUsers: 1, totalConnections: 2 },
    });
  });

  it('/api/stats and /api/rooms: admin JWT or API key; a plain user is FORBIDDEN; nobody is AUTH_REQUIRED', async () => {
    const server = await startTestServer();
    await server.connect('1');
    for (const path of ['/api/stats', '/api/rooms']) {
      expect(await server.request('GET', path)).toMatchObject({ status: 401, body: { ok: false, error: { code: 'AUTH_REQUIRED' } } });
      expect(await server.request('GET', path, { token: await server.token('plain') })).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      });
      expect((await server.request('GET', path, { token: 'sk_wrong_key_0123456789' })).body.error.code).toBe('AUTH_INVALID');
      expect((await server.request('GET', path, { apiKey: true })).status).toBe(200);
      expect((await server.request('GET', path, { token: await server.token('boss', { roles: ['admin'] }) })).status).toBe(200);
    }
    const stats = (await server.request('GET', '/api/stats', { apiKey: true })).body;
    expect(stats).toMatchObject({
      ok: true,
      connections: 1,
      users: 1,
      rooms: { count: 1, list: [{ room: 'user:1', members: 1 }] },
      eventsPerSecond: expect.any(Number),
      errorsByCode: expect.any(Object),
      uptimeSeconds: expect.any(Number),
    });
    const rooms = (await server.request('GET', '/api/rooms', { apiKey: true })).body;
    expect(rooms).toMatchObject({ ok: true, rooms: [{ room: 'user:1', members: 1 }] });
  });

  it('/api/presence answers for users seen and never seen', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('on');
    await server.connect('gone').then(({ socket: s }) => s.disconnect());
    // The disconnect reaches the server's presence asynchronously.
    await vi.waitFor(async () => {
      const { body } = await server.request('GET', '/api/presence?userIds=gone', { apiKey: true });
      expect(body.presence.gone.online).toBe(false);
    });
    const { status, body } = await server.request('GET', '/api/presence?userIds=on,gone,never', { apiKey: true });
    expect(status).toBe(200);
    expect(body.presence.on).toEqual({ status: 'online', online: true, lastSeen: null, devices: 1 });
    expect(body.presence.gone).toMatchObject({ status: 'offline', online: false, devices: 0, lastSeen: expect.any(String) });
    expect(body.presence.never).toEqual({ status: 'offline', online: false, lastSeen: null, devices: 0 });
    expect((await server.request('GET', '/api/presence?userIds=on')).status).toBe(401);
    expect((await server.request('GET', '/api/presence', { apiKey: true })).body.error.code).toBe('VALIDATION_FAILED');
    socket.disconnect();
  });

  it('unknown routes are NOT_FOUND in the contract body', async () => {
    const server = await startTestServer();
    expect(await server.request('GET', '/api/nope')).toMatchObject({ status: 404, body: { ok: false, error: { code: 'NOT_FOUND' } } });
  });
});
