/**
 * Server → client emits in one place, so that every emit is counted once
 * (events out, by name) and fan-out always goes through one Socket.IO broadcast
 * (the packet is encoded once, not once per recipient).
 */

import type { Metrics } from '../monitoring/metrics.js';
import type { ServerToClientEvents } from '../protocol/events.js';
import { userRoom } from './rooms.js';
import type { SwitchboardServer } from './socket-types.js';

type EventArgs<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

export class Emitter {
  constructor(
    private readonly io: SwitchboardServer,
    private readonly metrics: Metrics,
  ) {}

  /** Every device of one user. */
  toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: EventArgs<E>): void {
    this.toRooms([userRoom(userId)], event, ...args);
  }

  /** Every device of several users, in one broadcast (a socket in two rooms gets it once). */
  toUsers<E extends keyof ServerToClientEvents>(userIds: Iterable<string>, event: E, ...args: EventArgs<E>): void {
    const rooms = [...userIds].map(userRoom);
    if (rooms.length > 0) this.toRooms(rooms, event, ...args);
  }

  toRooms<E extends keyof ServerToClientEvents>(rooms: string | string[], event: E, ...args: EventArgs<E>): void {
    this.metrics.eventsOut.inc({ event });
    this.io.to(rooms).emit(event, ...args);
  }

  /** Everyone connected (to any node). */
  toAll<E extends keyof ServerToClientEvents>(event: E, ...args: EventArgs<E>): void {
    this.metrics.eventsOut.inc({ event });
    this.io.emit(event, ...args);
  }

  /**
   * An event whose name the app chose (channel publications such as `trip:updated`),
   * outside the typed map. `except` skips sockets (e.g. the publisher's own) or rooms.
   */
  toRoomsRaw(rooms: string | string[], event: string, args: unknown[], except?: string | string[]): void {
    this.metrics.eventsOut.inc({ event: 'publication' });
    // biome-ignore lint/suspicious/noExplicitAny: app-chosen event names are outside the typed map
    const target = this.io.to(rooms) as any;
    (except && except.length > 0 ? target.except(except) : target).emit(event, ...args);
  }

  /** As `toRoomsRaw`, to this node's sockets only (each node delivers its own: channel-fanout.ts). */
  toLocalRoomRaw(room: string, event: string, args: unknown[], except: readonly string[]): void {
    this.metrics.eventsOut.inc({ event: 'publication' });
    // biome-ignore lint/suspicious/noExplicitAny: app-chosen event names are outside the typed map
    const target = this.io.local.to(room) as any;
    (except.length > 0 ? target.except(except) : target).emit(event, ...args);
  }

  /** Counts an emit made directly on a socket (replies such as `pong`). */
  counted(event: string): void {
    this.metrics.eventsOut.inc({ event });
  }
}
