/**
 * Issue 12, "Slow consumer": a client that stops reading while the server broadcasts
 * 10 KB messages is cut once its unsent output passes the cap, measured in bytes
 * queued (not time), while a client that reads gets every message.
 */
import { describe, expect, it } from 'vitest';
import { collect } from '../../test/support/client.js';
import { captureLogs } from '../../test/support/logs.js';
import { startTestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';

const CAP = 512 * 1024;
const MESSAGE = 'x'.repeat(10_000);
const COUNT = 2_000; // 20 MB: more than the loopback's socket buffers hold

describe('maxBufferedBytesPerSocket', () => {
  it('cuts a socket that stopped reading before it holds more than the cap; a reading socket gets everything', async () => {
    const logs = captureLogs('warn');
    const server = await startTestServer({ logger: logs.logger, config: { limits: { maxBufferedBytesPerSocket: CAP } } });
    const slow = await server.connect('slow');
    const reader = await server.connect('reader');
    const received = collect(reader.socket, 'broadcast');
    const disconnected = new Promise((resolve) => slow.socket.once('disconnect', resolve));
    // Stop reading at the TCP level: the server's writes pile up for this socket.
    const transport = (slow.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } }).transport;
    transport.ws._socket.pause();

    const io = server.switchboard.context.io;
    for (let i = 0; i < COUNT; i++) {
      io.emit('broadcast', { title: `m${i}`, message: MESSAGE, from: 'test', timestamp: new Date().toISOString() });
      // The reader keeps up (at most 20 messages behind), so only the paused socket's output grows.
      if (i % 10 === 9) await waitFor(() => received.length >= i - 20, 10_000, 'the reader to keep up');
    }

    const cut = await waitFor(() => logs.lines.find((line) => line.msg === 'disconnecting a slow consumer'), 10_000, 'the cut');
    // The packet that crossed the cap is counted and dropped with the rest: at most one message over.
    expect(cut.queuedBytes as number).toBeGreaterThan(CAP);
    expect(cut.queuedBytes as number).toBeLessThanOrEqual(CAP + MESSAGE.length + 200);
    expect(logs.lines.filter((line) => line.msg === 'disconnecting a slow consumer').map((l) => l.queuedBytes)).toHaveLength(1);
    await waitFor(() => received.length === COUNT, 20_000, 'every message at the reader');
    transport.ws._socket.resume();
    await disconnected;
    const metrics = await server.switchboard.context.metrics.registry.getSingleMetricAsString(
      'switchboard_slow_consumer_disconnects_total',
    );
    expect(metrics).toMatch(/switchboard_slow_consumer_disconnects_total(\{[^}]*\})? 1$/m);
  });
});
