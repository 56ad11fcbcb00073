/**
 * PostgreSQL going away is degraded service (issue 11): /ready answers 503, calls that
 * need the store answer UNAVAILABLE (503, never INTERNAL), nothing crashes, and the
 * node serves again by itself once the database is back. The test cuts a TCP proxy
 * between the node and PostgreSQL, never the database itself.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { tcpProxy, waitUntil } from '../../test/support/cluster.js';
import { startTestServer } from '../../test/support/server.js';
import { PG_URL, postgresUnavailable } from '../../test/support/services.js';
import { migrationsFor } from '../features.js';
import { createStore } from './create-store.js';
import { isConnectionError } from './unavailable.js';

const missing = await postgresUnavailable();

describe.skipIf(missing !== undefined)('a PostgreSQL outage', () => {
  it('/ready 503 and UNAVAILABLE while it lasts, then the node serves again by itself', async () => {
    const proxy = await tcpProxy(PG_URL, 'postgres');
    const schema = `sb_outage_${randomBytes(4).toString('hex')}`;
    const store = createStore(proxy.url, { schema });
    onCleanup(async () => {
      await proxy.restore().catch(() => {});
      await store.close();
      const direct = createStore(PG_URL);
      await direct.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await direct.close();
    });
    await store.migrate(migrationsFor());
    const server = await startTestServer({ store });
    const { socket } = await server.connect('u1');
    const notify = { userId: 'u1', type: 'info', title: 'hi', message: 'there' };
    expect((await server.request('POST', '/api/notify', { apiKey: true, body: notify })).status).toBeLessThan(300);

    await proxy.cut();
    await waitUntil(async () => (await server.request('GET', '/ready')).status === 503, '/ready 503');
    expect((await server.request('GET', '/ready')).body).toMatchObject({ ok: false, checks: { store: { ok: false } } });
    const refused = await server.request('POST', '/api/notify', { apiKey: true, body: notify });
    expect(refused).toMatchObject({ status: 503, body: { ok: false, error: { code: 'UNAVAILABLE' } } });
    const inbox = await server.request('GET', '/api/notifications', { token: await server.token('u1') });
    expect(inbox).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    expect(socket.connected).toBe(true);

    await proxy.restore();
    await waitUntil(async () => (await server.request('GET', '/ready')).status === 200, '/ready 200 again');
    expect((await server.request('POST', '/api/notify', { apiKey: true, body: notify })).status).toBeLessThan(300);
    const after = await server.request('GET', '/api/notifications', { token: await server.token('u1') });
    expect(after.body.notifications).toHaveLength(2);
  });

  it('tells connection failures from query errors', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
  });
});
