/**
 * Type tests that lock the event map: the server's typed emits and the client's typed
 * listeners accept the contract's payloads and reject others.
 */
import type { Socket as ClientSocket } from 'socket.io-client';
import { describe, expectTypeOf, it } from 'vitest';
import type { SwitchboardServer, SwitchboardSocket } from '../core/context.js';
import type { Ack, ClientToServerEvents, ConnectedPayload, Notification, ServerToClientEvents, SocketData } from './index.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

describe('event map', () => {
  it('server emits are typed by event name', () => {
    const socket = {} as SwitchboardSocket;
    expectTypeOf(socket.emit<'pong'>)
      .parameter(1)
      .toEqualTypeOf<{ timestamp: string }>();
    // @ts-expect-error: pong carries a timestamp, not a number
    socket.emit('pong', 1);
    // @ts-expect-error: not a server event of the contract
    socket.emit('no-such-event', {});
    expectTypeOf<Parameters<ServerToClientEvents['notification']>[0]>().toEqualTypeOf<Notification>();
    expectTypeOf<SocketData['userId']>().toBeString();
    const io = {} as SwitchboardServer;
    expectTypeOf(io.to('user:1').emit<'broadcast'>)
      .parameter(1)
      .toMatchTypeOf<{ title: string; message: string }>();
  });

  it('client listeners and acks are typed', () => {
    const client = {} as Client;
    client.on('connected', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<ConnectedPayload>();
      expectTypeOf(payload.roles).toEqualTypeOf<string[]>();
    });
    client.emit('ping', (ack) => {
      expectTypeOf(ack).toEqualTypeOf<Ack<{ timestamp: string }>>();
    });
    client.emit('message:send', { conversationId: 'c1', content: 'hi' });
    // @ts-expect-error: message:send needs content
    client.emit('message:send', { conversationId: 'c1' });
    client.emit('user:status', 'away');
    // @ts-expect-error: not a status of the contract
    client.emit('user:status', 'sleeping');
    client.emit('subscribe', 'trip:1');
    client.emit('subscribe', { channel: 'trip:1', since: 4 });
  });
});
