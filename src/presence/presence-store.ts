/**
 * Presence and per-user socket tracking, behind an interface so that a Redis
 * implementation can serve several nodes without touching the handlers.
 * Every method is async for that reason, even where memory could answer at once.
 *
 * The store also decides the offline grace (`presence.offlineGraceMs`): a user whose
 * last device left is *departing* until the grace ends; a device that comes back
 * meanwhile, on any node, cancels the departure (`returned`), so nobody is told the
 * user left or came back. Departures whose grace ended are claimed once across the
 * cluster by `takeDepartures()`, whichever node asks, so they survive the death of
 * the node that saw the user leave.
 */
import type { PresenceInfo, UserStatus } from '../protocol/shapes.js';

/** A user whose last device left and did not come back within the grace. */
export interface Departure {
  userId: string;
  /** Epoch ms of the last device's departure. */
  lastSeen: number;
}

export interface PresenceStore {
  /**
   * Records a socket. `firstDevice`: the user had no socket before; `returned`: and
   * was departing (back within the grace), so its departure is cancelled.
   */
  addSocket(userId: string, socketId: string): Promise<{ firstDevice: boolean; returned: boolean }>;
  /** Forgets a socket; `lastDevice` is true when the user has none left (a departure starts). */
  removeSocket(userId: string, socketId: string): Promise<{ lastDevice: boolean; lastSeen: number }>;
  getUserSockets(userId: string): Promise<string[]>;
  isOnline(userId: string): Promise<boolean>;
  onlineUsers(): Promise<string[]>;
  /** The status a user chose (`user:status`); `online` by default while connected. */
  setStatus(userId: string, status: UserStatus): Promise<void>;
  get(userIds: string[]): Promise<Record<string, PresenceInfo>>;
  counts(): Promise<{ users: number; connections: number }>;
  /** Claims the departures whose grace ended by `now`; each is returned to exactly one caller. */
  takeDepartures(now?: number): Promise<Departure[]>;
  /** Drops everything this node recorded (shutdown); its users start departing. */
  clear(): Promise<void>;
}
