/**
 * Every path that is not a route answers 404 NOT_FOUND in the contract's error shape at
 * once, over the real transport (before, the standalone server handed such requests to
 * engine.io's listener, which waited for a host app that was not there). No timing:
 * each request simply has to get its answer.
 */
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../test/support/embedded.js';
import { startTestServer } from '../../test/support/server.js';

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
    const url = await startEmbedded();
    expect(await (await fetch(`${url}/anything`)).text()).toBe('host');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/nope`)).status).toBe(404);
  });
});
