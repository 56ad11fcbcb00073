/** POST /api/notify: templates, validation, auth; and the seed's test endpoints. */
import { describe, expect, it } from 'vitest';
import { nextEvent } from '../../test/support/client.js';
import { notifyVia } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import type { BroadcastPayload } from '../protocol/events.js';
import type { Notification } from '../protocol/shapes.js';

const TEMPLATE_CASES = [
  {
    template: 'email:new',
    data: { from: 'john@example.com', subject: 'Meeting Tomorrow', id: 'abc123' },
    type: 'info',
    title: '📧 New Email',
    message: 'From: john@example.com\nSubject: Meeting Tomorrow',
  },
  {
    template: 'event:upcoming',
    data: { title: 'Team Standup', time: '10:00 AM', location: 'Zoom' },
    type: 'warning',
    title: '📅 Upcoming Event',
    message: 'Team Standup at 10:00 AM',
  },
  {
    template: 'alarm:trigger',
    data: { title: 'Wake up!', time: '2025-12-08T07:00:00.000Z' },
    type: 'warning',
    title: '⏰ Alarm',
    message: 'Wake up!',
  },
  {
    template: 'task:due',
    data: { title: 'File taxes', due: 'Friday' },
    type: 'warning',
    title: '✅ Task Due',
    message: 'File taxes is due at Friday',
  },
  {
    template: 'document:processed',
    data: { id: 42, title: 'report.pdf', chunks: 15 },
    type: 'success',
    title: '📄 Document Ready',
    message: 'report.pdf has been processed (15 chunks)',
  },
  {
    template: 'report:ready',
    data: { type: 'weekly' },
    type: 'success',
    title: '📊 Report Ready',
    message: 'Your weekly report is ready!',
  },
] as const;

describe('POST /api/notify', () => {
  it.each(TEMPLATE_CASES)('renders template $template with its exact type, title and message and passes data through', async (c) => {
    const server = await startTestServer();
    const { socket } = await server.connect('t1');
    const got = nextEvent<Notification>(socket, 'notification');
    const res = await notifyVia(server, { userId: 't1', template: c.template, data: c.data });
    expect(res.status).toBe(202);
    const n = await got;
    expect(n).toMatchObject({ type: c.type, title: c.title, message: c.message, kind: c.template, read: false });
    expect(n.data).toEqual(c.data);
  });

  it('lets explicit fields override a template', async () => {
    const server = await startTestServer();
    const res = await notifyVia(server, { userId: 't2', template: 'alarm:trigger', data: { title: 'x' }, type: 'error', kind: 'custom' });
    expect(res.body.notification).toMatchObject({ type: 'error', title: '⏰ Alarm', message: 'x', kind: 'custom' });
  });

  it.each([
    [{ userId: 'v', type: 'loud', title: 't', message: 'm' }, 'type'],
    [{ userId: 'v', type: 'info', message: 'm' }, 'title'],
    [{ userId: 'v', type: 'info', title: '', message: 'm' }, 'title'],
    [{ userId: 'v', type: 'info', title: 't' }, 'message'],
    [{ type: 'info', title: 't', message: 'm' }, 'userId'],
    [{ userIds: [], type: 'info', title: 't', message: 'm' }, 'userIds'],
    [{ userIds: ['a', 'b', 'c', 'd'], type: 'info', title: 't', message: 'm' }, 'userIds'],
    [{ userId: 'v', template: 'pizza:ready' }, 'template'],
    [{ userId: 'v', type: 'info', title: 't', message: 'm', deliverAt: 'tomorrow' }, 'deliverAt'],
  ])('refuses %j with 400 VALIDATION_FAILED naming %s', async (body, field) => {
    const server = await startTestServer({ config: { notifications: { maxRecipients: 3 } } });
    const res = await notifyVia(server, body);
    expect(res.status).toBe(400);
    expect(res.body.ok).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toContain(field);
  });

  it('refuses malformed JSON with 400', async () => {
    const server = await startTestServer();
    const res = await server.request('POST', '/api/notify', {
      apiKey: true,
      rawBody: '{"userId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('needs an API key or an admin token', async () => {
    const server = await startTestServer();
    const body = { userId: 'a1', type: 'info', title: 't', message: 'm' };
    const none = await server.request('POST', '/api/notify', { body });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('AUTH_REQUIRED');
    const wrongKey = await server.request('POST', '/api/notify', { body, token: 'sk_wrong' });
    expect(wrongKey.status).toBe(401);
    const user = await server.request('POST', '/api/notify', { body, token: await server.token('a1') });
    expect(user.status).toBe(403);
    expect(user.body.error.code).toBe('FORBIDDEN');
    const admin = await server.request('POST', '/api/notify', { body, token: await server.token('boss', { roles: ['admin'] }) });
    expect(admin.status).toBe(202);
    expect(admin.body).toMatchObject({ ok: true, count: 1 });
  });
});

describe('test endpoints', () => {
  it.each([
    [
      'notification',
      { type: 'success', title: 'Test', message: 'Hello from Socket.IO!' },
      { type: 'success', title: 'Test', message: 'Hello from Socket.IO!' },
    ],
    [
      'email',
      { from: 'sender@example.com', subject: 'Test Email' },
      { type: 'info', title: '📧 New Email', message: 'From: sender@example.com\nSubject: Test Email' },
    ],
    [
      'event',
      { title: 'Team Meeting', time: '2025-12-08T15:00:00Z', location: 'Conference Room A' },
      { type: 'warning', title: '📅 Upcoming Event', message: 'Team Meeting at 2025-12-08T15:00:00Z' },
    ],
    ['alarm', { title: 'Wake up!' }, { type: 'warning', title: '⏰ Alarm', message: 'Wake up!' }],
  ])('POST /api/test/%s sends the sample to the caller', async (name, body, expected) => {
    const server = await startTestServer({ config: { testEndpoints: true } });
    const { socket } = await server.connect('me');
    const got = nextEvent<Notification>(socket, 'notification');
    const res = await server.request('POST', `/api/test/${name}`, { token: await server.token('me'), body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, userConnected: true, note: 'User is connected, notification delivered' });
    expect(res.body.message).toContain('sent via Socket.IO');
    const n = await got;
    expect(n).toMatchObject(expected);
    expect(res.body.notification).toEqual(n);
    if (name !== 'notification') expect(n.data).toMatchObject(body);
  });

  it('reports an offline caller and needs a user token', async () => {
    const server = await startTestServer({ config: { testEndpoints: true } });
    const res = await server.request('POST', '/api/test/alarm', { token: await server.token('away'), body: {} });
    expect(res.body).toMatchObject({ ok: true, userConnected: false, notification: { title: '⏰ Alarm', message: 'Alarm' } });
    expect((await server.request('POST', '/api/test/email', { body: {} })).status).toBe(401);
  });

  it('POST /api/test/broadcast is for admins and reaches everyone', async () => {
    const server = await startTestServer({ config: { testEndpoints: true } });
    const { socket } = await server.connect('listener');
    const plain = await server.request('POST', '/api/test/broadcast', {
      token: await server.token('listener'),
      body: { title: 'x', message: 'y' },
    });
    expect(plain.status).toBe(403);
    const got = nextEvent<BroadcastPayload>(socket, 'broadcast');
    const res = await server.request('POST', '/api/test/broadcast', {
      token: await server.token('root', { roles: ['admin'] }),
      body: { title: 'System Announcement', message: 'Server maintenance in 10 minutes' },
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(await got).toMatchObject({ title: 'System Announcement', message: 'Server maintenance in 10 minutes', from: 'root' });
  });

  it('do not exist when testEndpoints is off', async () => {
    const server = await startTestServer({ config: { testEndpoints: false } });
    const token = await server.token('me', { roles: ['admin'] });
    for (const name of ['notification', 'email', 'event', 'alarm', 'broadcast']) {
      const res = await server.request('POST', `/api/test/${name}`, { token, body: {} });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });
});
