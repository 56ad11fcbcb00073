/**
 * The chat's client→server events, registered through the event router (schema,
 * per-user rate limit, exactly one ack). Handlers only translate socket → service.
 */
import type { SwitchboardContext } from '../core/context.js';
import { defineEvent, type EventHandlers } from '../realtime/event-router.js';
import {
  conversationIdSchema,
  conversationRefSchema,
  messageEditSchema,
  messageIdSchema,
  messageReadSchema,
  messageSendSchema,
  userStatusSchema,
} from './chat-schemas.js';
import type { ChatServices } from './chat-services.js';
import { conversationChannel, principalOf, requireMember } from './membership.js';

/**
 * `typing:start` and `typing:stop` share one bucket when config has a `typing:*`
 * rule (the social seed limits typing as one kind of event); an event's own rule wins.
 */
function typingRule(ctx: SwitchboardContext, event: string): string | undefined {
  if (ctx.config.rateLimits[event]) return undefined;
  return ctx.config.rateLimits['typing:*'] ? 'typing:*' : undefined;
}

/** The chat's client→server events. */
export function chatEvents(ctx: SwitchboardContext, chat: ChatServices): EventHandlers {
  return [
    defineEvent('message:send', {
      schema: messageSendSchema,
      handler: async (payload, socket) => ({ message: (await chat.messages.send(principalOf(socket), payload)).message }),
    }),

    defineEvent('message:edit', {
      schema: messageEditSchema,
      handler: async ({ messageId, content }, socket) => ({ message: await chat.messages.edit(principalOf(socket), messageId, content) }),
    }),

    defineEvent('message:delete', {
      schema: messageIdSchema,
      handler: ({ messageId }, socket) => chat.messages.delete(principalOf(socket), messageId),
    }),

    defineEvent('message:delivered', {
      schema: messageIdSchema,
      handler: async ({ messageId }, socket) => {
        await chat.messages.delivered(principalOf(socket), messageId);
      },
    }),

    defineEvent('message:read', {
      schema: messageReadSchema,
      handler: ({ conversationId, messageId }, socket) => chat.messages.read(principalOf(socket), conversationId, messageId),
    }),

    defineEvent('typing:start', {
      schema: conversationIdSchema,
      rateLimit: typingRule(ctx, 'typing:start'),
      handler: async ({ conversationId }, socket) => {
        await chat.typing.start(principalOf(socket), socket.id, conversationId);
      },
    }),

    defineEvent('typing:stop', {
      schema: conversationIdSchema,
      rateLimit: typingRule(ctx, 'typing:stop'),
      handler: async ({ conversationId }, socket) => {
        await chat.typing.stop(principalOf(socket), socket.id, conversationId);
      },
    }),

    // "Currently viewing": the conversation's own room, members only.
    defineEvent('conversation:join', {
      schema: conversationRefSchema,
      handler: async (conversationId, socket) => {
        await requireMember(ctx, principalOf(socket), conversationId);
        await socket.join(conversationChannel(conversationId));
        return { conversationId };
      },
    }),

    defineEvent('conversation:leave', {
      schema: conversationRefSchema,
      handler: async (conversationId, socket) => {
        await requireMember(ctx, principalOf(socket), conversationId);
        await socket.leave(conversationChannel(conversationId));
        return { conversationId };
      },
    }),

    defineEvent('user:status', {
      schema: userStatusSchema,
      handler: async (status, socket) => {
        await chat.presence.statusChanged(socket.data.userId, status);
        return { status };
      },
    }),
  ];
}
