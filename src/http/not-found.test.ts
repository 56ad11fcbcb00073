/**
 * Every path that is not a route answers 404 NOT_FOUND in the contract's error shape at
 * once, over the real transport (before, the standalone server handed such requests to
 * engine.io's listener, which waited for a host app that was not there). No timing:
 * each request simply has to get its answer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { startTestServer, TEST_SECRET } from '../../test/support/server.js';
import { createSwitchboard } from '../switchboard.js';

describe('unknown paths', () => {
  it.each(['/favicon.ico', '/api', '/nope/deeper?x=1', '/socket.iox'])(
    'the standalone server answers %s with 404 NOT_FOUND',
    async (path) => {
      const server = await startTestServer();
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    },
  );

  it("embedded with a host app, other paths stay the host's and the API is Switchboard's", async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('host'));
    const sb = await createSwitchboard({
      server,
      config: { auth: { jwtSecret: TEST_SECRET }, database: { url: 'sqlite::memory:' }, log: { level: 'silent' } },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onCleanup(async () => {
      await sb.close();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await (await fetch(`${url}/anything`)).text()).toBe('host');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/nope`)).status).toBe(404);
  });
});
