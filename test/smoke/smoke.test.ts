import { describe, expect, it } from 'vitest';
import { emitAck, nextEvent } from '../support/client.js';
import { startTestServer } from '../support/server.js';

describe('smoke', () => {
  it('connects a real client and answers ping', async () => {
    const server = await startTestServer();
    const { socket, connected } = await server.connect('42');
    expect(connected.userId).toBe('42');
    const pong = nextEvent(socket, 'pong');
    const ack = await emitAck(socket, 'ping');
    expect(ack.ok).toBe(true);
    expect(await pong).toHaveProperty('timestamp');
  });
});
