/**
 * Back-pressure (issue 10): a publisher that outruns a channel's sockets is held
 * back and then refused with RATE_LIMITED (HTTP 429, `retryAfterMs`) instead of
 * growing their send queues without bound; once the sockets catch up, publishing
 * works again and nothing accepted was lost.
 */
import { describe, expect, it } from 'vitest';
import { CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { collect } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

/** The client's TCP socket under socket.io-client's websocket transport (Node's ws). */
function tcpOf(socket: unknown): { pause(): void; resume(): void } {
  const engine = (socket as { io: { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } } }).io.engine;
  return engine.transport.ws._socket;
}

describe('publish back-pressure', () => {
  it('refuses with RATE_LIMITED while the subscribers are behind, and publishes again once they caught up', async () => {
    const server = await startTestServer({
      config: { ...CHANNELS_TEST_CONFIG, delivery: { maxQueuedPerSocket: 2, maxWaitMs: 50 } },
    });
    const { socket } = await server.connect('slow');
    await subscribeOk(socket, 'live:1');
    const received = collect(socket, 'big');
    // The client stops reading: the kernel buffers fill, then engine.io queues packets.
    tcpOf(socket).pause();
    const blob = 'x'.repeat(256 * 1024);
    let accepted = 0;
    let refusal: { status: number; body: any } | undefined;
    // Bounded: well past what loopback buffers hold (a few MB).
    for (let i = 0; i < 400 && !refusal; i++) {
      const res = await server.request('POST', '/api/publish', {
        apiKey: true,
        body: { channel: 'live:1', event: 'big', data: { i, blob } },
      });
      if (res.status === 200) accepted++;
      else refusal = res;
    }
    expect(refusal?.status).toBe(429);
    expect(refusal?.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });

    tcpOf(socket).resume();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(accepted);
    const again = await server.request('POST', '/api/publish', {
      apiKey: true,
      body: { channel: 'live:1', event: 'big', data: { i: -1 } },
    });
    expect(again.status).toBe(200);
  });
});
