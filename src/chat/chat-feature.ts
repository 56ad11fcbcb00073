/**
 * Chat (issue 5): conversations, messages with receipts, typing and presence,
 * persisted in the store. Membership is decided by the channel-policy module's
 * `conversation` namespace, registered here.
 */
import type { Feature } from '../core/context.js';
import './chat-api.js';
import { registerChatRoutes } from './chat-http.js';
import { createChatServices } from './chat-services.js';
import { registerChatEvents } from './chat-socket.js';
import { actingAs, defineConversationNamespace } from './membership.js';

const APP_BACKEND = { kind: 'apiKey' } as const;

export const chatFeature: Feature = {
  name: 'chat',
  register(ctx) {
    const chat = createChatServices(ctx);
    defineConversationNamespace(ctx, chat.conversationsRepo);
    registerChatEvents(ctx, chat);
    registerChatRoutes(ctx, chat);

    ctx.addConnectedFields(async (socket) => ({ unreadMessages: await chat.conversationsRepo.unreadTotal(socket.data.userId) }));
    ctx.onConnection((socket, presence) => chat.presence.connected(socket, presence));
    ctx.onDisconnect(async (socket, _reason, presence) => {
      await chat.typing.socketGone(socket.id);
      await chat.presence.disconnected(socket, presence);
    });
    ctx.lifecycle.add({
      name: 'chat-timers',
      start() {},
      stop() {
        chat.typing.stopAll();
        chat.presence.stop();
      },
    });

    ctx.provide('sendMessage', async ({ senderId, ...input }) => (await chat.messages.send(actingAs(senderId), input)).message);
    ctx.provide(
      'createConversation',
      async ({ creatorId, ...input }) => (await chat.conversations.create(actingAs(creatorId), input)).conversation,
    );
    ctx.provide('addConversationMember', (conversationId, userId, role) =>
      chat.conversations.setMember(APP_BACKEND, conversationId, userId, role ?? 'member'),
    );
    ctx.provide('removeConversationMember', (conversationId, userId) =>
      chat.conversations.removeMember(APP_BACKEND, conversationId, userId),
    );
  },
};
