/**
 * Issue 12, "Cross-site requests with the cookie token": on HTTP the cookie counts
 * only for same-origin requests, and the query string carries no token; the socket
 * handshake keeps both (browsers need them there).
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/support/server.js';

async function inboxServer() {
  const server = await startTestServer({ config: { cors: { origins: ['https://app.example'] } } });
  const token = await server.token('victim');
  const cookie = `switchboard_token=${token}`;
  return { server, token, cookie };
}

describe('cookie token on HTTP', () => {
  it('refuses a simple cross-site POST carrying the cookie, and allows it from the same origin', async () => {
    const { server, cookie } = await inboxServer();
    const crossSite = await server.request('POST', '/api/notifications/read-all', {
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'text/plain' },
    });
    expect(crossSite.status).toBe(401);
    expect(crossSite.body.error.code).toBe('AUTH_REQUIRED');
    const fetchMetadata = await server.request('POST', '/api/notifications/read-all', {
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchMetadata.status).toBe(401);
    // Without Origin or Sec-Fetch-Site a state change is not trusted to the cookie either.
    expect((await server.request('POST', '/api/notifications/read-all', { headers: { cookie } })).status).toBe(401);

    const sameOrigin: Record<string, string>[] = [
      { origin: 'http://localhost' },
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'https://app.example' },
    ];
    for (const headers of sameOrigin) {
      const res = await server.request('POST', '/api/notifications/read-all', { headers: { cookie, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    expect((await server.request('GET', '/api/notifications', { headers: { cookie } })).status).toBe(200);
  });

  it('with cors.origins ["*"], another origin still cannot use the cookie', async () => {
    const server = await startTestServer({ config: { cors: { origins: ['*'] } } });
    const cookie = `switchboard_token=${await server.token('victim')}`;
    const res = await server.request('POST', '/api/notifications/read-all', { headers: { cookie, origin: 'https://evil.example' } });
    expect(res.status).toBe(401);
  });

  it('the Authorization header works from any origin (a forged request cannot set it)', async () => {
    const { server, token } = await inboxServer();
    const res = await server.request('POST', '/api/notifications/read-all', { token, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
  });
});

describe('query-string token', () => {
  it('is not accepted on HTTP, and still is on the socket handshake', async () => {
    const { server, token } = await inboxServer();
    const res = await server.request('GET', `/api/notifications?token=${token}`);
    expect(res.status).toBe(401);
    const { connected } = await server.connect('victim', { token: '', query: { token } });
    expect(connected.userId).toBe('victim');
  });
});
