/**
 * Presence events for the people who share a conversation with a user:
 * `user:online` when the first device connects, `user:offline { lastSeen }` when the
 * last one left and did not come back within `presence.offlineGraceMs` (a page
 * reload does not flap), and `user:status` when the user picks a status.
 *
 * The PresenceStore is the truth (GET /api/presence and isUserOnline read it too):
 * after the grace the announcer asks it again rather than trusting a local flag, so a
 * device that came back on another node also cancels the offline. The local timer map
 * only remembers which announcements are pending on this node.
 */
import type { PresenceTransition, SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { isoNow } from '../core/ids.js';
import type { UserStatus } from '../protocol/shapes.js';
import type { ConversationsRepo } from './conversations-repo.js';

export class PresenceAnnouncer {
  private readonly pendingOffline = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
  ) {}

  /**
   * Runs after the core recorded the socket in the PresenceStore, which says
   * atomically (across nodes, with Redis) whether this is the user's first device.
   */
  async connected(socket: SwitchboardSocket, { firstDevice }: PresenceTransition): Promise<void> {
    const userId = socket.data.userId;
    const pending = this.pendingOffline.get(userId);
    if (pending) {
      // Back within the grace: nobody was told the user left, so nobody is told they returned.
      clearTimeout(pending);
      this.pendingOffline.delete(userId);
      return;
    }
    if (!firstDevice) return;
    const info = (await this.ctx.presence.get([userId]))[userId];
    this.ctx.emitter.toUsers(await this.conversations.contactsOf(userId), 'user:online', { userId, status: info?.status ?? 'online' });
  }

  /** Runs after the core removed the socket from the PresenceStore. */
  async disconnected(socket: SwitchboardSocket, { lastDevice }: PresenceTransition): Promise<void> {
    const userId = socket.data.userId;
    if (!lastDevice) return;
    const previous = this.pendingOffline.get(userId);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.pendingOffline.delete(userId);
      this.offlineAfterGrace(userId).catch((err) => this.ctx.logger.warn({ err, userId }, 'user:offline failed'));
    }, this.ctx.config.presence.offlineGraceMs);
    timer.unref();
    this.pendingOffline.set(userId, timer);
  }

  private async offlineAfterGrace(userId: string): Promise<void> {
    const info = (await this.ctx.presence.get([userId]))[userId];
    if (!info || info.online) return;
    this.ctx.emitter.toUsers(await this.conversations.contactsOf(userId), 'user:offline', { userId, lastSeen: info.lastSeen ?? isoNow() });
  }

  /**
   * A chosen status, for every device: `user:status { userId, status }` (the typed
   * map) to the contacts and the user's own devices, plus the seed-compatible
   * `user:online { userId, status }` (or `user:offline` for "offline", i.e. invisible).
   */
  async statusChanged(userId: string, status: UserStatus): Promise<void> {
    await this.ctx.presence.setStatus(userId, status);
    const contacts = await this.conversations.contactsOf(userId);
    this.ctx.emitter.toUsers([userId, ...contacts], 'user:status', { userId, status });
    if (status === 'offline') this.ctx.emitter.toUsers(contacts, 'user:offline', { userId, lastSeen: isoNow() });
    else this.ctx.emitter.toUsers(contacts, 'user:online', { userId, status });
  }

  stop(): void {
    for (const timer of this.pendingOffline.values()) clearTimeout(timer);
    this.pendingOffline.clear();
  }
}
