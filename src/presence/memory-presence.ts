/**
 * Presence for a single node, in memory. Online users are kept while connected; what
 * is remembered of users who left (last seen, chosen status) sits in an LRU bounded in
 * size and age, so a stream of guests (each guest session is a new user) cannot grow
 * the process without bound. The Redis store keeps the same facts with a TTL.
 */
import { LRUCache } from 'lru-cache';
import type { PresenceInfo, UserStatus } from '../protocol/shapes.js';
import type { Departure, PresenceStore } from './presence-store.js';

export interface MemoryPresenceOptions {
  /** Users who left that are still remembered (last seen, status); @default 100_000 */
  maxOfflineUsers?: number;
  /** How long a user who left is remembered; @default 30 days */
  offlineTtlMs?: number;
  /** How long a departure waits for the user to come back (`presence.offlineGraceMs`); @default 5000 */
  offlineGraceMs?: number;
}

interface UserEntry {
  sockets: Set<string>;
  status: UserStatus;
}

export function createMemoryPresence(options: MemoryPresenceOptions = {}): PresenceStore {
  const users = new Map<string, UserEntry>();
  const remembered = { max: options.maxOfflineUsers ?? 100_000, ttl: options.offlineTtlMs ?? 30 * 86_400_000 };
  const lastSeen = new LRUCache<string, number>(remembered);
  const chosenStatus = new LRUCache<string, UserStatus>(remembered);
  const graceMs = options.offlineGraceMs ?? 5000;
  // Users in their offline grace: bounded by the users who left in the last grace period.
  const departing = new Map<string, { due: number; lastSeen: number }>();
  let connections = 0;

  const store = {
    async addSocket(userId, socketId) {
      let entry = users.get(userId);
      const firstDevice = !entry || entry.sockets.size === 0;
      const returned = firstDevice && departing.delete(userId);
      if (!entry) {
        entry = { sockets: new Set(), status: chosenStatus.get(userId) ?? 'online' };
        users.set(userId, entry);
      }
      if (!entry.sockets.has(socketId)) {
        entry.sockets.add(socketId);
        connections++;
      }
      return { firstDevice, returned };
    },
    async removeSocket(userId, socketId) {
      const entry = users.get(userId);
      const now = Date.now();
      // Only removing the user's last known socket is a departure (an unknown socket is none).
      const removed = entry?.sockets.delete(socketId) ?? false;
      if (removed) connections--;
      const lastDevice = removed && entry?.sockets.size === 0;
      if (lastDevice) {
        users.delete(userId);
        lastSeen.set(userId, now);
        departing.set(userId, { due: now + graceMs, lastSeen: now });
      }
      return { lastDevice, lastSeen: now };
    },
    async getUserSockets(userId) {
      return [...(users.get(userId)?.sockets ?? [])];
    },
    async isOnline(userId) {
      return (users.get(userId)?.sockets.size ?? 0) > 0;
    },
    async onlineUsers() {
      return [...users.keys()];
    },
    async setStatus(userId, status) {
      chosenStatus.set(userId, status);
      const entry = users.get(userId);
      if (entry) entry.status = status;
    },
    async get(userIds) {
      const out: Record<string, PresenceInfo> = {};
      for (const userId of userIds) {
        const entry = users.get(userId);
        const seen = lastSeen.get(userId);
        out[userId] = entry
          ? { status: entry.status, online: true, lastSeen: null, devices: entry.sockets.size }
          : { status: 'offline', online: false, lastSeen: seen === undefined ? null : new Date(seen).toISOString(), devices: 0 };
      }
      return out;
    },
    async counts() {
      return { users: users.size, connections };
    },
    async takeDepartures(now = Date.now()) {
      const due: Departure[] = [];
      for (const [userId, departure] of departing) {
        if (departure.due > now) continue;
        departing.delete(userId);
        if (!users.has(userId)) due.push({ userId, lastSeen: departure.lastSeen });
      }
      return due;
    },
    async clear() {
      users.clear();
      departing.clear();
      connections = 0;
    },
  } satisfies PresenceStore;
  return store;
}
