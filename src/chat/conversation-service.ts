/**
 * Conversations: create (direct is unique per pair), list with unread counts, and
 * group membership. Shared by the HTTP routes, `message:send { receiverId }` and the
 * programmatic API.
 */
import { hasRole, type Principal } from '../auth/principal.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import type { ServerCaller } from '../http/guards.js';
import type { Conversation } from '../protocol/shapes.js';
import { userRoom } from '../realtime/rooms.js';
import { type ConversationRow, toConversation } from './chat-shapes.js';
import type { MemberRole } from './chat-tables.js';
import type { ConversationsRepo } from './conversations-repo.js';
import { conversationChannel, requireMember } from './membership.js';
import type { MessagesRepo } from './messages-repo.js';

/** What `POST /api/conversations` and `createConversation()` take. */
export interface CreateConversationInput {
  kind: 'direct' | 'group';
  /** Direct: the one other user (the creator may be listed too). Group: the members besides the creator. */
  memberIds: string[];
  title?: string;
}

export interface CreateConversationResult {
  conversation: Conversation;
  /** False when the direct conversation already existed (HTTP 200 instead of 201). */
  created: boolean;
}

export class ConversationService {
  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
    private readonly messages: MessagesRepo,
  ) {}

  /** The contract's Conversation: members and last message included. */
  async describe(row: ConversationRow): Promise<Conversation> {
    const [memberIds, last] = await Promise.all([
      this.conversations.memberIds(row.id),
      row.last_message_id ? this.messages.find(row.last_message_id) : undefined,
    ]);
    return toConversation(row, memberIds, last);
  }

  /** Tells every member (and anyone just removed) what the conversation now looks like, in one broadcast. */
  private async announce(row: ConversationRow, alsoTo: string[] = []): Promise<Conversation> {
    const conversation = await this.describe(row);
    this.ctx.emitter.toUsers(new Set([...conversation.memberIds, ...alsoTo]), 'conversation:updated', conversation);
    return conversation;
  }

  /** Announces a conversation that a send created (message-writes.ts creates direct ones in its batch). */
  async announceCreated(row: ConversationRow): Promise<void> {
    await this.announce(row);
  }

  /** The direct conversation of two users, created (and announced) on first use. */
  async openDirect(userId: string, otherId: string): Promise<CreateConversationResult> {
    if (userId === otherId) throw fail('VALIDATION_FAILED', 'A direct conversation needs another user');
    const { row, created } = await this.conversations.getOrCreateDirect(userId, otherId);
    return { conversation: created ? await this.announce(row) : await this.describe(row), created };
  }

  async create(creator: Principal, input: CreateConversationInput): Promise<CreateConversationResult> {
    const others = [...new Set(input.memberIds)].filter((id) => id !== creator.userId);
    if (input.kind === 'direct') {
      if (others.length !== 1) throw fail('VALIDATION_FAILED', 'memberIds: a direct conversation has exactly one other user');
      return this.openDirect(creator.userId, others[0] as string);
    }
    if (others.length + 1 > this.ctx.config.chat.maxGroupMembers) {
      throw fail('VALIDATION_FAILED', `memberIds: a group has at most ${this.ctx.config.chat.maxGroupMembers} members`);
    }
    const row = await this.conversations.createGroup(creator.userId, others, input.title ?? null);
    return { conversation: await this.announce(row), created: true };
  }

  /** The user's conversations, most recent first, each with `unreadCount`. */
  async list(principal: Principal, options: { before?: string; limit: number }) {
    const { entries, nextCursor } = await this.conversations.listForUser(principal.userId, options);
    const conversations = entries.map((e) => ({ ...toConversation(e.row, e.memberIds, e.lastMessage), unreadCount: e.unreadCount }));
    return { conversations, nextCursor };
  }

  /**
   * A group and the caller's standing in it: `server` for an API key or an admin
   * JWT (the app backend), else the member's role (non-members are refused).
   */
  private async managedGroup(
    caller: ServerCaller,
    conversationId: string,
  ): Promise<{ row: ConversationRow; callerRole: MemberRole | 'server' }> {
    let callerRole: MemberRole | 'server' = 'server';
    if (caller.kind === 'user' && !hasRole(caller.principal, 'admin')) {
      await requireMember(this.ctx, caller.principal, conversationId);
      callerRole = (await this.conversations.roleOf(conversationId, caller.principal.userId)) ?? 'member';
    }
    const row = await this.conversations.find(conversationId);
    if (!row) throw fail('NOT_FOUND', 'No such conversation');
    if (row.kind !== 'group') throw fail('VALIDATION_FAILED', 'A direct conversation keeps its two members');
    return { row, callerRole };
  }

  /**
   * Adds a member or changes a role. Owners and the app backend may do anything;
   * admins may add plain members; plain members may not manage the group.
   */
  async setMember(caller: ServerCaller, conversationId: string, userId: string, role?: MemberRole): Promise<Conversation> {
    const { row, callerRole } = await this.managedGroup(caller, conversationId);
    const current = await this.conversations.roleOf(conversationId, userId);
    const next = role ?? current ?? 'member';
    const allowed = callerRole === 'server' || callerRole === 'owner' || (callerRole === 'admin' && next === 'member' && !current);
    if (!allowed) throw fail('FORBIDDEN', 'Requires role owner (or admin, to add plain members)');
    if (!current && (await this.conversations.memberIds(conversationId)).length >= this.ctx.config.chat.maxGroupMembers) {
      throw fail('VALIDATION_FAILED', `The group already has ${this.ctx.config.chat.maxGroupMembers} members`);
    }
    const change = await this.conversations.setMember(conversationId, userId, next);
    return change === 'unchanged' ? this.describe(row) : this.announce(row);
  }

  /** Removes a member: owners, the app backend, admins (plain members only) and the member themself. */
  async removeMember(caller: ServerCaller, conversationId: string, userId: string): Promise<Conversation> {
    const self = caller.kind === 'user' && caller.principal.userId === userId;
    const { row, callerRole } = await this.managedGroup(caller, conversationId);
    const target = await this.conversations.roleOf(conversationId, userId);
    if (!target) throw fail('NOT_FOUND', 'Not a member of this conversation');
    const allowed = self || callerRole === 'server' || callerRole === 'owner' || (callerRole === 'admin' && target === 'member');
    if (!allowed) throw fail('FORBIDDEN', 'Requires role owner (or admin, to remove plain members)');
    await this.conversations.removeMember(conversationId, userId);
    // A removed member stops viewing on every node, through the adapter.
    this.ctx.io.in(userRoom(userId)).socketsLeave(conversationChannel(conversationId));
    return this.announce(row, [userId]);
  }
}
