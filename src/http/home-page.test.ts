/** GET / on the standalone server: a page that links the dashboard, the API reference and the health check, each of which answers. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/support/server.js';

describe('GET /', () => {
  it('answers a small HTML page whose links all work', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(expect.arrayContaining(['dashboard', 'docs', 'health']));
    for (const link of links) {
      const target = await fetch(new URL(link ?? '', `${server.url}/`));
      expect(target.status, link).toBe(200);
    }
  });
});
