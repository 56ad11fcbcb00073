/**
 * The built-in commands of the health-platform seed: ping, status, info, echo,
 * message. Each answers with its reply event and, when the client sent a callback,
 * with the same data in the ack.
 */
import { z } from 'zod';
import type { Feature, SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { isoNow } from '../core/ids.js';
import { VERSION } from '../core/version.js';

const anyPayload = z.unknown();

function roomsOf(socket: SwitchboardSocket): string[] {
  // A socket's own id is a room internally; it is not one the client joined.
  return [...socket.rooms].filter((room) => room !== socket.id);
}

function features(ctx: SwitchboardContext): Record<string, boolean> {
  const events = new Set(ctx.events.events);
  return {
    rest: true,
    websocket: true,
    authentication: true,
    realtime: true,
    channels: events.has('subscribe'),
    notifications: events.has('notification:read'),
    chat: events.has('message:send'),
    presence: true,
  };
}

export const commandsFeature: Feature = {
  name: 'commands',
  register(ctx) {
    const reply = <T>(
      socket: SwitchboardSocket,
      event: 'pong' | 'status_response' | 'info_response' | 'echo_response' | 'message_received',
      payload: T,
    ): T => {
      ctx.emitter.counted(event);
      // biome-ignore lint/suspicious/noExplicitAny: each caller passes its event's payload
      (socket.emit as any)(event, payload);
      return payload;
    };

    ctx.events.on('ping', { schema: anyPayload, handler: (_p, socket) => reply(socket, 'pong', { timestamp: isoNow() }) });

    ctx.events.on('status', {
      schema: anyPayload,
      handler: (_p, socket) =>
        reply(socket, 'status_response', {
          server: { name: ctx.config.name, version: VERSION, status: 'running', timestamp: isoNow() },
          connection: { socketId: socket.id, userId: socket.data.userId, isLoggedIn: socket.data.isLoggedIn, rooms: roomsOf(socket) },
        }),
    });

    ctx.events.on('info', {
      schema: anyPayload,
      async handler(_p, socket) {
        const counts = await ctx.presence.counts();
        return reply(socket, 'info_response', {
          server: {
            name: ctx.config.name,
            version: VERSION,
            description: 'Real-time server: authenticated Socket.IO, channels, notifications, chat and presence',
            features: features(ctx),
          },
          websocket: {
            connected: socket.connected,
            transport: socket.conn.transport.name,
            protocol: socket.conn.protocol,
            activeConnections: counts.connections,
          },
          session: { authenticated: socket.data.isLoggedIn, userId: socket.data.userId },
          timestamp: isoNow(),
        });
      },
    });

    ctx.events.on('echo', {
      schema: anyPayload,
      handler: (received, socket) =>
        reply(socket, 'echo_response', { received: received ?? null, timestamp: isoNow(), socketId: socket.id }),
    });

    ctx.events.on('message', {
      schema: anyPayload,
      handler: (data, socket) =>
        reply(socket, 'message_received', {
          success: true,
          message: 'Message received successfully',
          data: data ?? null,
          timestamp: isoNow(),
        }),
    });
  },
};
