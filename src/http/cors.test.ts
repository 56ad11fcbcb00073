/** CORS on the HTTP API: browser pages on an allowed origin (file:// pages send `null`) may call it. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/support/server.js';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

describe('HTTP API CORS', () => {
  it('outside production (cors.origins *) answers preflights and calls from any origin, file:// pages included', async () => {
    const server = await startTestServer();
    const token = await server.token('alice');

    const pre = await preflight(`${server.url}/api/conversations`, 'null');
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('null');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();

    const res = await fetch(`${server.url}/api/conversations?limit=5`, { headers: { origin: 'null', authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('null');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);

    // an error answer carries the header too, so the page can read the error body
    const refused = await fetch(`${server.url}/api/conversations`, { headers: { origin: 'https://any.example' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://any.example');
  });

  it('with an allowlist, only the listed origins get CORS headers', async () => {
    const server = await startTestServer({ config: { cors: { origins: ['https://app.example'] } } });
    const token = await server.token('alice');

    const ok = await preflight(`${server.url}/api/conversations`, 'https://app.example');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');

    const evil = await preflight(`${server.url}/api/conversations`, 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    const res = await fetch(`${server.url}/api/conversations`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an OPTIONS request that is not a preflight is still NOT_FOUND', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/api/conversations`, { method: 'OPTIONS' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
