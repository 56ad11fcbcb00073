/** The admin routes behind the dashboard: access, live counts, paging, the audited actions, the page. */
import { describe, expect, it } from 'vitest';
import { CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { nextEvent } from '../../test/support/client.js';
import { adminGet, auditLines, recordingLogger } from '../../test/support/dashboard.js';
import { startTestServer, TEST_API_KEY } from '../../test/support/server.js';
import type { Notification } from '../protocol/shapes.js';
import { keyFingerprint } from './admin-auth.js';

const ADMIN_ROUTES = [
  ['GET', '/api/admin/whoami'],
  ['GET', '/api/admin/overview'],
  ['GET', '/api/admin/channels'],
  ['GET', '/api/admin/users'],
  ['GET', '/api/admin/users/u1'],
  ['GET', '/api/admin/users/u1/sockets'],
  ['POST', '/api/admin/publish'],
  ['POST', '/api/admin/notify'],
  ['POST', '/api/admin/users/u1/disconnect'],
] as const;

describe('admin routes: who may call them', () => {
  it('every route refuses no token (AUTH_REQUIRED) and a plain user (FORBIDDEN); a key and an admin token pass', async () => {
    const server = await startTestServer();
    const plain = await server.token('plain-user');
    const admin = await server.token('boss', { roles: ['admin'] });
    for (const [method, path] of ADMIN_ROUTES) {
      const body = method === 'POST' ? {} : undefined;
      expect(await server.request(method, path, { body }), `${method} ${path}`).toMatchObject({
        status: 401,
        body: { ok: false, error: { code: 'AUTH_REQUIRED' } },
      });
      expect(await server.request(method, path, { token: plain, body }), `${method} ${path}`).toMatchObject({
        status: 403,
        body: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
    expect(await adminGet(server, '/api/admin/whoami')).toEqual({
      ok: true,
      kind: 'apiKey',
      label: `API key ${keyFingerprint(TEST_API_KEY)}`,
    });
    expect(await adminGet(server, '/api/admin/whoami', admin)).toEqual({ ok: true, kind: 'user', label: 'boss' });
  });

  it('takes the token from the Authorization header only: ?token= and the cookie are refused', async () => {
    const server = await startTestServer();
    const admin = await server.token('boss', { roles: ['admin'] });
    expect(await server.request('GET', `/api/admin/overview?token=${admin}`)).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_INVALID' } },
    });
    // A browser attaches the cookie to a forged cross-site request: it must not be enough.
    expect(await server.request('GET', '/api/admin/overview', { headers: { cookie: `switchboard_token=${admin}` } })).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_REQUIRED' } },
    });
    expect((await server.request('GET', '/api/admin/overview', { token: 'sk_not_a_key' })).body.error.code).toBe('AUTH_INVALID');
  });
});

describe('GET /api/admin/overview', () => {
  it('counts connections and users live, with this node, rates, errors, handshake failures and status', async () => {
    const server = await startTestServer();
    const overview = () => adminGet(server, '/api/admin/overview');
    expect(await overview()).toMatchObject({ ok: true, connections: 0, users: 0, stale: false });

    const a1 = await server.connect('alice');
    await server.connect('alice');
    await server.connect('bob');
    await expect.poll(async () => (await overview()).connections).toBe(3);
    expect((await overview()).users).toBe(2);

    // An error answered to a client, counted by code.
    const refused = await server.request('GET', '/api/admin/overview', { token: await server.token('x') });
    expect(refused.status).toBe(403);

    a1.socket.disconnect();
    await expect.poll(async () => (await overview()).connections).toBe(2);
    const o = await overview();
    expect(o).toMatchObject({
      users: 2,
      nodeId: server.switchboard.context.nodeId,
      nodes: { expected: 1, answered: 1, list: [{ nodeId: server.switchboard.context.nodeId, connections: 2 }] },
      eventsInPerSecond: expect.any(Number),
      eventsOutPerSecond: expect.any(Number),
    });
    expect(o.eventsOutPerSecond).toBeGreaterThan(0); // three `connected` emits in the last seconds
    expect(o.errorsByCode.FORBIDDEN).toBeGreaterThanOrEqual(1);
    expect(o.handshakeFailuresByCode).toEqual({});
    expect(o.status).toEqual([
      { name: 'store', state: 'up', details: { kind: 'sqlite' } },
      { name: 'redis', state: 'off', summary: expect.stringContaining('single node') },
      { name: 'kafka', state: 'off', summary: expect.stringContaining('kafka.brokers') },
    ]);
  });

  it('counts refused handshakes by code', async () => {
    const server = await startTestServer();
    await expect(server.connect('x', { token: 'not-a-jwt' })).rejects.toThrow();
    await expect.poll(async () => (await adminGet(server, '/api/admin/overview')).handshakeFailuresByCode).toEqual({ AUTH_INVALID: 1 });
  });

  it('shows named status providers: added rows, a throwing one as down, a hanging one as down after its timeout', async () => {
    const server = await startTestServer();
    const sb = server.switchboard;
    sb.addStatusProvider('webhooks', () => ({ state: 'degraded', summary: '1 endpoint failing', details: { pending: 3 } }));
    sb.addStatusProvider('billing', () => {
      throw new Error('billing API unreachable');
    });
    sb.addStatusProvider('slow', () => new Promise(() => {}));
    const { status } = await adminGet(server, '/api/admin/overview');
    expect(status).toEqual(
      expect.arrayContaining([
        { name: 'webhooks', state: 'degraded', summary: '1 endpoint failing', details: { pending: 3 } },
        { name: 'billing', state: 'down', summary: 'billing API unreachable' },
        { name: 'slow', state: 'down', summary: expect.stringContaining('no answer within') },
      ]),
    );
  });

  it('reports the store down when it fails', async () => {
    const server = await startTestServer();
    await server.switchboard.context.store.close();
    const { status } = await adminGet(server, '/api/admin/overview');
    expect(status.find((s: { name: string }) => s.name === 'store')).toMatchObject({ state: 'down', summary: expect.any(String) });
  });
});

describe('GET /api/admin/channels', () => {
  it('pages channels by name with subscriber counts and history, filters by prefix, and leaves user rooms out', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket: s1 } = await server.connect('u1');
    const { socket: s2 } = await server.connect('u2');
    const names = ['news:a', 'news:b', 'news:c', 'news:d', 'news:e', 'live:x', 'live:y'];
    for (const name of names) await subscribeOk(s1, name);
    await subscribeOk(s2, 'news:c');
    for (let i = 0; i < 3; i++)
      await server.request('POST', '/api/admin/publish', { apiKey: true, body: { channel: 'news:c', event: 'e', data: i } });

    const seen: string[] = [];
    let cursor = '';
    const pages: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const page = await adminGet(server, `/api/admin/channels?limit=3&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.channels.map((c: { name: string }) => c.name));
      pages.push(page.channels.length);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...names].sort());
    expect(pages).toEqual([3, 3, 1]);

    const news = await adminGet(server, '/api/admin/channels?prefix=news:&limit=10');
    expect(news.nextCursor).toBeNull();
    expect(news.nodes).toEqual({ expected: 1, answered: 1 });
    expect(news.channels).toEqual([
      { name: 'news:a', subscribers: 1, history: null },
      { name: 'news:b', subscribers: 1, history: null },
      { name: 'news:c', subscribers: 2, history: { size: 3, lastOffset: 3 } },
      { name: 'news:d', subscribers: 1, history: null },
      { name: 'news:e', subscribers: 1, history: null },
    ]);
    // Exactly a page's worth left: no next page announced.
    const exact = await adminGet(server, '/api/admin/channels?prefix=live:&limit=2');
    expect(exact.channels.map((c: { name: string }) => c.name)).toEqual(['live:x', 'live:y']);
    expect(exact.nextCursor).toBeNull();
  });

  it('refuses a bad limit with VALIDATION_FAILED', async () => {
    const server = await startTestServer();
    for (const limit of ['0', '201', 'ten']) {
      const res = await server.request('GET', `/api/admin/channels?limit=${limit}`, { apiKey: true });
      expect(res, limit).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    }
  });
});

describe('users: online list, presence and sockets', () => {
  it('pages users online by id with their presence', async () => {
    const server = await startTestServer();
    for (const id of ['u3', 'u1', 'u2', 'u1', 'x9']) await server.connect(id);
    const first = await adminGet(server, '/api/admin/users?limit=2&prefix=u');
    expect(first).toMatchObject({ total: 4, nextCursor: 'u2' });
    expect(first.users).toEqual([
      { userId: 'u1', presence: { status: 'online', online: true, lastSeen: null, devices: 2 } },
      { userId: 'u2', presence: expect.objectContaining({ devices: 1 }) },
    ]);
    const second = await adminGet(server, '/api/admin/users?limit=2&prefix=u&cursor=u2');
    expect(second.users.map((u: { userId: string }) => u.userId)).toEqual(['u3']);
    expect(second.nextCursor).toBeNull();
  });

  it("shows a user's presence and sockets: transport, address, rooms, connected since", async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const before = Date.now();
    const { socket: ws } = await server.connect('carol');
    const { socket: polling } = await server.connect('carol', { transports: ['polling'] });
    await subscribeOk(ws, 'news:1');

    expect(await adminGet(server, '/api/admin/users/carol')).toEqual({
      ok: true,
      userId: 'carol',
      presence: { status: 'online', online: true, lastSeen: null, devices: 2 },
    });
    const { sockets, nodes } = await adminGet(server, '/api/admin/users/carol/sockets');
    expect(nodes).toEqual({ expected: 1, answered: 1 });
    expect(sockets).toHaveLength(2);
    const byId = new Map(sockets.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(ws.id)).toMatchObject({
      transport: 'websocket',
      address: expect.stringMatching(/127\.0\.0\.1/),
      rooms: expect.arrayContaining(['user:carol', 'news:1']),
      roomCount: 2,
      nodeId: server.switchboard.context.nodeId,
      authKind: 'jwt',
    });
    expect(byId.get(polling.id)).toMatchObject({ transport: 'polling', rooms: ['user:carol'] });
    for (const s of sockets) expect(Date.parse(s.connectedAt)).toBeGreaterThanOrEqual(before - 1000);

    ws.disconnect();
    polling.disconnect();
    await expect.poll(async () => (await adminGet(server, '/api/admin/users/carol')).presence.online).toBe(false);
    expect((await adminGet(server, '/api/admin/users/carol/sockets')).sockets).toEqual([]);
    expect((await adminGet(server, '/api/admin/users/carol')).presence.lastSeen).toEqual(expect.any(String));
  });
});

describe('actions: publish, notify, disconnect (audited)', () => {
  it('publishes to a channel; a subscriber receives it; the audit line names the key', async () => {
    const { logger, lines } = recordingLogger();
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG, logger });
    const { socket } = await server.connect('reader');
    await subscribeOk(socket, 'news:7');
    const got = nextEvent(socket, 'headline');
    const res = await server.request('POST', '/api/admin/publish', {
      apiKey: true,
      body: { channel: 'news:7', event: 'headline', data: { text: 'hi' } },
    });
    expect(res).toMatchObject({ status: 200, body: { ok: true, channel: 'news:7', offset: 1 } });
    expect(await got).toEqual({ text: 'hi' });
    expect(auditLines(lines)).toEqual([
      expect.objectContaining({
        level: 30,
        action: 'publish',
        outcome: 'ok',
        actor: { kind: 'apiKey', key: keyFingerprint(TEST_API_KEY) },
        target: { channel: 'news:7', event: 'headline' },
        address: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(TEST_API_KEY);
  });

  it('notifies a user; every device gets it; the audit line names the admin', async () => {
    const { logger, lines } = recordingLogger();
    const server = await startTestServer({ logger });
    const admin = await server.token('boss', { roles: ['admin'], name: 'The Boss' });
    const { socket } = await server.connect('dave');
    const got = nextEvent<Notification>(socket, 'notification');
    const res = await server.request('POST', '/api/admin/notify', {
      token: admin,
      body: { userId: 'dave', title: 'Hello', message: 'from ops' },
    });
    expect(res).toMatchObject({ status: 202, body: { ok: true, id: expect.any(String), count: 1 } });
    expect(await got).toMatchObject({ id: res.body.id, type: 'info', title: 'Hello', message: 'from ops' });
    expect(auditLines(lines)).toEqual([
      expect.objectContaining({
        action: 'notify',
        outcome: 'ok',
        actor: { kind: 'user', userId: 'boss', name: 'The Boss' },
        target: { userId: 'dave', title: 'Hello' },
      }),
    ]);
  });

  it('disconnects every socket of a user (the other users stay); audited', async () => {
    const { logger, lines } = recordingLogger();
    const server = await startTestServer({ logger });
    const a = await server.connect('eve');
    const b = await server.connect('eve');
    const other = await server.connect('frank');
    const closed = Promise.all([nextEvent(a.socket, 'disconnect'), nextEvent(b.socket, 'disconnect')]);
    const res = await server.request('POST', '/api/admin/users/eve/disconnect', { apiKey: true });
    expect(res).toMatchObject({ status: 200, body: { ok: true, userId: 'eve', disconnected: 2 } });
    expect(await closed).toEqual(['io server disconnect', 'io server disconnect']);
    expect(other.socket.connected).toBe(true);
    await expect.poll(async () => (await adminGet(server, '/api/admin/overview')).connections).toBe(1);
    expect(auditLines(lines)).toEqual([expect.objectContaining({ action: 'disconnect', outcome: 'ok', target: { userId: 'eve' } })]);
  });

  it('audits refusals and failures: a plain user refused before the body is read, a bad channel failed', async () => {
    const { logger, lines } = recordingLogger();
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG, logger });
    const plain = await server.token('mallory');
    const { socket } = await server.connect('victim');
    const refused = await server.request('POST', '/api/admin/users/victim/disconnect', { token: plain });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(socket.connected).toBe(true);
    const bad = await server.request('POST', '/api/admin/publish', { apiKey: true, body: { channel: 'nope:1', event: 'e' } });
    expect(bad).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const invalid = await server.request('POST', '/api/admin/notify', { apiKey: true, body: { userId: 'victim' } });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(auditLines(lines)).toEqual([
      expect.objectContaining({ level: 40, action: 'disconnect', outcome: 'refused', code: 'FORBIDDEN' }),
      expect.objectContaining({
        level: 40,
        action: 'publish',
        outcome: 'failed',
        code: 'NOT_FOUND',
        target: { channel: 'nope:1', event: 'e' },
      }),
      expect.objectContaining({ level: 40, action: 'notify', outcome: 'failed', code: 'VALIDATION_FAILED' }),
    ]);
  });
});

describe('GET /dashboard', () => {
  it('serves the page and its bundle, with a strict content security policy', async () => {
    const server = await startTestServer();
    const page = await fetch(`${server.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const js = html.match(/src="(dashboard\/app\.js\?v=[0-9a-f]+)"/)?.[1];
    const css = html.match(/href="(dashboard\/app\.css\?v=[0-9a-f]+)"/)?.[1];
    expect(js && css).toBeTruthy();
    const script = await fetch(`${server.url}/${js}`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${server.url}/${css}`)).headers.get('content-type')).toContain('text/css');
  });

  it('redirects /dashboard/ to /dashboard, so the relative links hold', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/dashboard/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, `${server.url}/dashboard/`).pathname).toBe('/dashboard');
  });
});
