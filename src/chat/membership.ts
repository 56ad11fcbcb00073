/**
 * Conversation membership, decided in the one channel-policy module: chat registers
 * the `conversation` namespace there, and every chat operation (send, history, join,
 * typing, receipts) asks `ctx.channels.authorize(principal, 'conversation:{id}', …)`.
 * The HTTP history route, socket handlers and the generic `subscribe` of the channels
 * feature therefore all get the same answer.
 */
import type { Principal } from '../auth/principal.js';
import type { ChannelAccess } from '../channels/channel-policy.js';
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { fail, type SwitchboardError } from '../core/errors.js';
import type { ConversationsRepo } from './conversations-repo.js';

/** The room (and channel) of a conversation's current viewers. */
export function conversationChannel(conversationId: string): string {
  return `conversation:${conversationId}`;
}

/** The connection's principal (socket data carries the same fields). */
export function principalOf(socket: SwitchboardSocket): Principal {
  return socket.data;
}

/** A principal for the app backend acting as one user (programmatic API, API-key routes). */
export function actingAs(userId: string): Principal {
  return { userId, isLoggedIn: true, roles: [], authKind: 'jwt', expiresAt: null };
}

/**
 * Why a non-member is refused: NOT_FOUND when the conversation does not exist,
 * FORBIDDEN when it does. The namespace below and the send batch (message-writes.ts,
 * which checks membership inside its transaction) share this one rule.
 */
export function membershipRefusal(conversationExists: boolean): SwitchboardError {
  return conversationExists ? fail('FORBIDDEN', 'Not a member of this conversation') : fail('NOT_FOUND', 'No such conversation');
}

/** Registers the `conversation` namespace: members only, NOT_FOUND for a conversation that does not exist. */
export function defineConversationNamespace(ctx: SwitchboardContext, conversations: ConversationsRepo): void {
  ctx.channels.define('conversation', {
    authorize: async ({ principal, channel, access }) => {
      // Chat events are the only way to write into a conversation: a raw `publish`
      // would let a member emit arbitrary, unstored events to the viewers.
      if (access === 'publish') throw fail('FORBIDDEN', 'Messages are sent with message:send');
      const id = channel.id ?? '';
      if (await conversations.roleOf(id, principal.userId)) return;
      // The second query only runs on refusal, to tell the two codes apart.
      throw membershipRefusal((await conversations.find(id)) !== undefined);
    },
    options: { joinLeave: false, clientPublish: false },
  });
}

/**
 * Resolves when the principal is a member; otherwise throws NOT_FOUND / FORBIDDEN.
 * `history` for reading past messages, `subscribe` for everything a member does live.
 */
export async function requireMember(
  ctx: SwitchboardContext,
  principal: Principal,
  conversationId: string,
  access: Exclude<ChannelAccess, 'publish'> = 'subscribe',
): Promise<void> {
  await ctx.channels.authorize(principal, conversationChannel(conversationId), access);
}
