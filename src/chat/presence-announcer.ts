/**
 * Presence events for the people who share a conversation with a user:
 * `user:online` when the first device connects, `user:offline { lastSeen }` when the
 * last one left and did not come back within `presence.offlineGraceMs` (a page
 * reload does not flap), and `user:status` when the user picks a status.
 *
 * The PresenceStore decides, atomically across nodes, and this class only announces:
 * a first device that came back within the grace (`returned`, on whichever node) is
 * announced by nobody, and a grace that ended is handed to exactly one node through
 * the core's `onUserOffline` hook, also when the node that saw the user leave died.
 * No timer lives here, so nothing is lost with a node.
 */
import type { PresenceTransition, SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { isoNow, toIso } from '../core/ids.js';
import type { UserStatus } from '../protocol/shapes.js';
import type { ConversationsRepo } from './conversations-repo.js';

export class PresenceAnnouncer {
  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
  ) {}

  /** Runs after the core recorded the socket in the PresenceStore. */
  async connected(socket: SwitchboardSocket, { firstDevice, returned }: PresenceTransition): Promise<void> {
    // Back within the grace: nobody was told the user left, so nobody is told they returned.
    if (!firstDevice || returned) return;
    const userId = socket.data.userId;
    const info = (await this.ctx.presence.get([userId]))[userId];
    this.ctx.emitter.toUsers(await this.conversations.contactsOf(userId), 'user:online', { userId, status: info?.status ?? 'online' });
  }

  /** The user's grace ended with no device back (the core's `onUserOffline`, once cluster-wide). */
  async offline(userId: string, lastSeen: number): Promise<void> {
    this.ctx.emitter.toUsers(await this.conversations.contactsOf(userId), 'user:offline', { userId, lastSeen: toIso(lastSeen) });
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
}
