/**
 * `presence.watch(userIds, cb)`: the users' presence now (GET /api/presence), then
 * each change as `user:online` / `user:offline` / `user:status` report it, and a
 * fresh read after every reconnect (changes made while offline were not sent).
 * Note the server sends presence events to people who share a conversation with the
 * user (docs/protocol.md); the HTTP read covers anyone.
 */
import type { PresenceInfo, UserStatus } from '../protocol/index.js';
import type { Connection } from './connection.js';
import { SwitchboardError } from './errors.js';
import type { Presence } from './types.js';

/** User ids per presence request. */
const CHUNK = 100;

/** Called with each user's presence, first as known now, then on every change. */
export type PresenceListener = (userId: string, presence: Presence) => void;

interface Watcher {
  userIds: ReadonlySet<string>;
  listener: PresenceListener;
}

export class PresenceWatch {
  private readonly watchers = new Set<Watcher>();
  private readonly current = new Map<string, Presence>();
  /** Events counted, and the count at each user's last event: an HTTP answer older than an event is not applied. */
  private eventCount = 0;
  private readonly lastEvent = new Map<string, number>();

  constructor(private readonly connection: Connection) {
    const socket = connection.socket;
    const online = ({ userId, status }: { userId: string; status: UserStatus }) => {
      const before = this.current.get(userId);
      this.event(userId, { ...before, status, online: status !== 'offline', lastSeen: before?.lastSeen ?? null });
    };
    socket.on('user:online', online);
    socket.on('user:status', online);
    socket.on('user:offline', ({ userId, lastSeen }) => this.event(userId, { status: 'offline', online: false, lastSeen, devices: 0 }));
    connection.hook({
      connected: () => {
        const watched = new Set<string>();
        for (const watcher of this.watchers) for (const id of watcher.userIds) watched.add(id);
        if (watched.size > 0) void this.fetch([...watched]);
      },
    });
  }

  /**
   * Watches users; returns the function that stops it.
   * @example const stop = sb.presence.watch(['7', '9'], (userId, p) => setDot(userId, p.online));
   */
  watch(userIds: readonly string[], listener: PresenceListener): () => void {
    const watcher: Watcher = { userIds: new Set(userIds), listener };
    this.watchers.add(watcher);
    for (const id of watcher.userIds) {
      const known = this.current.get(id);
      if (known) listener(id, known);
    }
    void this.fetch([...watcher.userIds]);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  /** The last presence known for a user. */
  get(userId: string): Presence | undefined {
    return this.current.get(userId);
  }

  private event(userId: string, presence: Presence): void {
    this.lastEvent.set(userId, ++this.eventCount);
    this.update(userId, presence);
  }

  private async fetch(userIds: string[]): Promise<void> {
    const startedAt = this.eventCount;
    try {
      for (let start = 0; start < userIds.length; start += CHUNK) {
        const ids = userIds.slice(start, start + CHUNK);
        const query = ids.map(encodeURIComponent).join(',');
        const { presence } = await this.connection.http<{ presence: Record<string, PresenceInfo> }>(
          'GET',
          `/api/presence?userIds=${query}`,
        );
        for (const [id, info] of Object.entries(presence)) if ((this.lastEvent.get(id) ?? 0) <= startedAt) this.update(id, info);
      }
    } catch (error) {
      this.connection.events.emit('error', error instanceof SwitchboardError ? error : new SwitchboardError('UNAVAILABLE', String(error)));
    }
  }

  private update(userId: string, presence: Presence): void {
    const before = this.current.get(userId);
    this.current.set(userId, presence);
    if (before && before.status === presence.status && before.online === presence.online && before.lastSeen === presence.lastSeen) return;
    for (const watcher of this.watchers) if (watcher.userIds.has(userId)) watcher.listener(userId, presence);
  }
}
