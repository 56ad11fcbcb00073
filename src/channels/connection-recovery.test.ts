/**
 * Socket.IO's own connection-state recovery (short drops) with channels: a recovered
 * socket keeps its channel rooms, and the handshake still runs on recovery, so a
 * token that expired meanwhile is refused.
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { addMember, CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { emitAck, nextEvent, type TestSocket } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';
import type { StatusResponsePayload } from '../protocol/index.js';

const config = { ...CHANNELS_TEST_CONFIG, socket: { recoveryWindowMs: 60_000 } };

/** A client that reconnects by itself, as a browser's would. */
function reconnectingClient(url: string, token: string): TestSocket {
  const socket: TestSocket = io(url, {
    forceNew: true,
    transports: ['websocket'],
    auth: { token },
    reconnectionDelay: 10,
    reconnectionDelayMax: 10,
    reconnectionAttempts: 1,
    autoConnect: false,
  });
  onCleanup(() => {
    socket.disconnect();
  });
  return socket;
}

describe('connection-state recovery', () => {
  it('gives a socket that dropped briefly its channel rooms back, without subscribing again', async () => {
    const server = await startTestServer({ config });
    await addMember(server, 'trip:1', 'u1');
    const socket = reconnectingClient(server.url, await server.token('u1'));
    const connected = nextEvent(socket, 'connected');
    socket.connect();
    await connected;
    await subscribeOk(socket, 'trip:1');

    const reconnected = nextEvent(socket, 'connected');
    (socket as any).io.engine.close(); // a network drop: "transport close", which is recoverable
    await reconnected;
    expect(socket.recovered).toBe(true);

    const status = await emitAck<StatusResponsePayload>(socket, 'status');
    expect(status.ok && status.data?.connection.rooms).toEqual(expect.arrayContaining(['user:u1', 'trip:1']));
    const update = nextEvent(socket, 'trip:updated');
    await server.request('POST', '/api/publish', {
      apiKey: true,
      body: { channel: 'trip:1', event: 'trip:updated', data: { after: 'drop' } },
    });
    expect(await update).toEqual({ after: 'drop' });
  });

  it('refuses the recovery when the token has expired meanwhile (the handshake runs again)', async () => {
    const server = await startTestServer({ config });
    const socket = reconnectingClient(server.url, await server.token('u1'));
    const connected = nextEvent(socket, 'connected');
    socket.connect();
    await connected;
    await subscribeOk(socket, 'news:1');

    // The client still holds its old token, which has now expired.
    socket.auth = { token: await server.token('u1', { ttl: -60 }) };
    const refused = nextEvent<Error & { data?: { code: string } }>(socket, 'connect_error');
    (socket as any).io.engine.close();
    const err = await refused;
    expect(err.message).toBe('AUTH_EXPIRED');
    expect(err.data?.code).toBe('AUTH_EXPIRED');
    expect(socket.connected).toBe(false);
  });
});
