/**
 * Which event names a publication may use. A publication is delivered under its own
 * name, so a name Socket.IO reserves would break the client (or be refused by the
 * server's emit), and a client publishing under a server event's name (`notification`,
 * `message:new`, `broadcast`, …) could spoof it to other users.
 */
import { z } from 'zod';
import type { ServerEventName } from '../protocol/events.js';

/** Names Socket.IO reserves on both ends. */
export const SOCKET_IO_RESERVED_EVENTS = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
] as const;

/** Every key of `ServerToClientEvents`; the check below fails to compile when one is missing. */
export const SERVER_EVENT_NAMES = [
  'connected',
  'pong',
  'status_response',
  'info_response',
  'echo_response',
  'message_received',
  'error',
  'notification',
  'notification:updated',
  'notification:deleted',
  'broadcast',
  'user:joined',
  'user:left',
  'message:new',
  'message:updated',
  'message:deleted',
  'message:delivered',
  'message:read',
  'typing:start',
  'typing:stop',
  'user:online',
  'user:offline',
  'user:status',
  'conversation:updated',
  'conversation:deleted',
  'kafka-event',
  'auth:expiring',
] as const satisfies readonly ServerEventName[];

type MissingServerEvent = Exclude<ServerEventName, (typeof SERVER_EVENT_NAMES)[number]>;
// Compile-time lock: adding an event to ServerToClientEvents without listing it here is a type error.
const everyServerEventListed: [MissingServerEvent] extends [never] ? true : false = true;
void everyServerEventListed;

const reservedBySocketIo = new Set<string>(SOCKET_IO_RESERVED_EVENTS);
const serverEvents = new Set<string>(SERVER_EVENT_NAMES);

/** Event names: letters, digits and `_ - . : @ |`, up to 100 characters. */
export const eventNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_\-.:@|]+$/, 'event names use letters, digits and _ - . : @ |')
  .refine((name) => !reservedBySocketIo.has(name), { message: 'this event name is reserved by Socket.IO' });

/** True when a client may not publish under this name (it belongs to the server's events). */
export function isServerEventName(name: string): boolean {
  return serverEvents.has(name);
}
