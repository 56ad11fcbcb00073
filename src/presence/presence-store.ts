/**
 * Presence and per-user socket tracking, behind an interface so that a Redis
 * implementation can serve several nodes without touching the handlers.
 * Every method is async for that reason, even where memory could answer at once.
 */
import type { PresenceInfo, UserStatus } from '../protocol/shapes.js';

export interface PresenceStore {
  /** Records a socket; `firstDevice` is true when the user had none before. */
  addSocket(userId: string, socketId: string): Promise<{ firstDevice: boolean }>;
  /** Forgets a socket; `lastDevice` is true when the user has none left. */
  removeSocket(userId: string, socketId: string): Promise<{ lastDevice: boolean; lastSeen: number }>;
  getUserSockets(userId: string): Promise<string[]>;
  isOnline(userId: string): Promise<boolean>;
  onlineUsers(): Promise<string[]>;
  /** The status a user chose (`user:status`); `online` by default while connected. */
  setStatus(userId: string, status: UserStatus): Promise<void>;
  get(userIds: string[]): Promise<Record<string, PresenceInfo>>;
  counts(): Promise<{ users: number; connections: number }>;
  /** Drops everything this node recorded (shutdown). */
  clear(): Promise<void>;
}
