/** The health seed's commands, answered with reply events and acks. */
import { describe, expect, it } from 'vitest';
import { emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('commands', () => {
  it('each command answers its reply event without a callback', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('1');
    const pong = nextEvent<any>(socket, 'pong');
    socket.emit('ping');
    expect(await pong).toEqual({ timestamp: expect.any(String) });

    const status = nextEvent<any>(socket, 'status_response');
    socket.emit('status');
    expect(await status).toEqual({
      server: { name: 'Switchboard', version: expect.any(String), status: 'running', timestamp: expect.any(String) },
      connection: { socketId: socket.id, userId: '1', isLoggedIn: true, rooms: ['user:1'] },
    });

    const info = nextEvent<any>(socket, 'info_response');
    socket.emit('info');
    expect(await info).toMatchObject({
      server: { name: 'Switchboard', features: expect.objectContaining({ websocket: true }) },
      websocket: { connected: true, transport: 'websocket', protocol: 4, activeConnections: 1 },
      session: { authenticated: true, userId: '1' },
    });

    const echo = nextEvent<any>(socket, 'echo_response');
    socket.emit('echo', { message: 'Hello!', data: [1, 2, 3] });
    expect(await echo).toEqual({ received: { message: 'Hello!', data: [1, 2, 3] }, timestamp: expect.any(String), socketId: socket.id });

    const received = nextEvent<any>(socket, 'message_received');
    socket.emit('message', { text: 'My custom message', type: 'chat' });
    expect(await received).toEqual({
      success: true,
      message: expect.any(String),
      data: { text: 'My custom message', type: 'chat' },
      timestamp: expect.any(String),
    });
  });

  it('with a callback, answers both the ack and the reply event', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('1');
    const echo = nextEvent<any>(socket, 'echo_response');
    const ack = await emitAck<any>(socket, 'echo', 'Hello, server!');
    expect(ack).toEqual({ ok: true, data: { received: 'Hello, server!', timestamp: expect.any(String), socketId: socket.id } });
    expect((await echo).received).toBe('Hello, server!');
    for (const command of ['ping', 'status', 'info', 'message']) {
      expect((await emitAck(socket, command)).ok).toBe(true);
    }
  });

  it('a payload failing its schema gets VALIDATION_FAILED and the socket stays usable', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('1');
    const ack = await emitAck(socket, 'auth:refresh', 12);
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: { issues: expect.any(Array) } },
    });
    // Without a callback the failure arrives as an `error` event naming the event.
    const error = nextEvent<any>(socket, 'error');
    socket.emit('auth:refresh', { token: '' } as never);
    expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', event: 'auth:refresh' });
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  });

  it('an unknown event is refused with NOT_FOUND, never silently dropped', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('1');
    expect(await emitAck(socket, 'no-such-event', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a 2 MB packet ends only that connection; the server keeps serving others', async () => {
    const server = await startTestServer();
    const big = await server.connect('big');
    const other = await server.connect('other');
    const closed = new Promise<string>((r) => big.socket.once('disconnect', (reason) => r(reason)));
    big.socket.emit('echo', 'x'.repeat(2 * 1024 * 1024));
    expect(await closed).toMatch(/transport (close|error)/);
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
    expect((await server.request('GET', '/health')).status).toBe(200);
  });

  it('two devices of one user share the user room; each gets its own replies', async () => {
    const server = await startTestServer();
    const phone = await server.connect('9');
    const laptop = await server.connect('9');
    expect(phone.connected.socketId).not.toBe(laptop.connected.socketId);
    const onLaptop = nextEvent<any>(laptop.socket, 'broadcast');
    const onPhone = nextEvent<any>(phone.socket, 'broadcast');
    server.switchboard.emitToUser('9', 'broadcast', { title: 't', message: 'm', from: 'test', timestamp: new Date().toISOString() });
    expect((await onLaptop).title).toBe('t');
    expect((await onPhone).title).toBe('t');
    const pong = nextEvent(phone.socket, 'pong');
    phone.socket.emit('ping');
    await pong;
    await expectNoEvent(laptop.socket, 'pong');
    expect(await server.switchboard.getUserSockets('9')).toHaveLength(2);
    expect(await server.switchboard.isUserOnline('9')).toBe(true);
    expect(await server.switchboard.getOnlineUsers()).toEqual(['9']);
  });
});
