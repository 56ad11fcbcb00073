/** The Express embedding example: one port, the app's routes and Switchboard's side by side. */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { connectClient, nextEvent } from '../../test/support/client.js';
import { TEST_SECRET } from '../../test/support/server.js';
import { createExampleApp } from './app.js';

describe('examples/express', () => {
  it('serves Express routes, the prefixed API and Socket.IO on one port', async () => {
    const { server, switchboard } = await createExampleApp({ jwtSecret: TEST_SECRET, apiKey: 'sk_example_0123456789' });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onCleanup(async () => {
      await switchboard.close();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    expect(await (await fetch(`${url}/hello`)).json()).toEqual({ hello: 'from express' });
    expect(await (await fetch(`${url}/realtime/health`)).json()).toMatchObject({ ok: true });
    expect((await fetch(`${url}/realtime/api/status`)).status).toBe(200);
    expect((await fetch(`${url}/api/status`)).status).toBe(404); // Express's 404: the API is under the prefix

    const { socket } = await connectClient(url, { token: await signToken({ secret: TEST_SECRET, sub: '42' }) });
    const shipped = nextEvent<any>(socket, 'broadcast');
    const res = await fetch(`${url}/orders/42/shipped`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'A1' }),
    });
    expect(await res.json()).toEqual({ ok: true, delivered: true });
    expect(await shipped).toMatchObject({ title: 'Order shipped', message: 'Order A1 is on its way' });
    expect((await switchboard.stats()).connections).toBe(1);
  });
});
