/**
 * The built-in commands of the health-platform seed: ping, status, info, echo,
 * message. Each answers with its reply event and, when the client sent a callback,
 * with the same data in the ack.
 */
import { z } from 'zod';
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { defineFeature } from '../core/feature.js';
import { isoNow } from '../core/ids.js';
import { VERSION } from '../core/version.js';
import type { ServerToClientEvents } from '../protocol/events.js';
import { defineEvent } from '../realtime/event-router.js';
import { isInternalRoom } from '../realtime/rooms.js';

const anyPayload = z.unknown();

/** The reply events of the commands, each named after the event that asks for it. */
type ReplyEvent = 'pong' | 'status_response' | 'info_response' | 'echo_response' | 'message_received';

function roomsOf(socket: SwitchboardSocket): string[] {
  // A socket's own id is a room internally, and so is its session's; the client joined neither.
  return [...socket.rooms].filter((room) => room !== socket.id && !isInternalRoom(room));
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

export const commandsFeature = defineFeature({
  name: 'commands',
  setup(ctx) {
    /** Emits the reply event and returns the same payload for the ack. */
    const reply = <E extends ReplyEvent>(socket: SwitchboardSocket, event: E, payload: Parameters<ServerToClientEvents[E]>[0]) => {
      ctx.emitter.counted(event);
      const emit = socket.emit as (event: E, payload: Parameters<ServerToClientEvents[E]>[0]) => boolean;
      emit.call(socket, event, payload);
      return payload;
    };

    return {
      events: [
        defineEvent('ping', { schema: anyPayload, handler: (_p, socket) => reply(socket, 'pong', { timestamp: isoNow() }) }),
        defineEvent('status', {
          schema: anyPayload,
          handler: (_p, socket) =>
            reply(socket, 'status_response', {
              server: { name: ctx.config.name, version: VERSION, status: 'running', timestamp: isoNow() },
              connection: { socketId: socket.id, userId: socket.data.userId, isLoggedIn: socket.data.isLoggedIn, rooms: roomsOf(socket) },
            }),
        }),
        defineEvent('info', {
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
        }),
        defineEvent('echo', {
          schema: anyPayload,
          handler: (received, socket) =>
            reply(socket, 'echo_response', { received: received ?? null, timestamp: isoNow(), socketId: socket.id }),
        }),
        defineEvent('message', {
          schema: anyPayload,
          handler: (data, socket) =>
            reply(socket, 'message_received', {
              success: true,
              message: 'Message received successfully',
              data: data ?? null,
              timestamp: isoNow(),
            }),
        }),
      ],
    };
  },
});
