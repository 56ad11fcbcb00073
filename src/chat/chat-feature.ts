/**
 * Chat (issue 5): conversations, messages with receipts, typing and presence,
 * persisted in the store. Membership is decided by the channel-policy module's
 * `conversation` namespace, registered here.
 */
import { defineFeature } from '../core/feature.js';
import './chat-api.js';
import { chatConfig } from './chat-config.js';
import { chatRoutes } from './chat-http.js';
import { chatMigrations } from './chat-migrations.js';
import { createChatServices } from './chat-services.js';
import { chatEvents } from './chat-socket.js';
import { actingAs, defineConversationNamespace } from './membership.js';

const APP_BACKEND = { kind: 'apiKey' } as const;

export const chatFeature = defineFeature({
  name: 'chat',
  config: chatConfig,
  migrations: chatMigrations,
  setup(ctx) {
    const chat = createChatServices(ctx);
    defineConversationNamespace(ctx, chat.conversationsRepo);
    return {
      events: chatEvents(ctx, chat),
      routes: (http) => chatRoutes(http, ctx, chat),
      connectedFields: async (socket) => ({ unreadMessages: await chat.conversationsRepo.unreadTotal(socket.data.userId) }),
      onConnection: (socket, presence) => chat.presence.connected(socket, presence),
      onDisconnect: (socket) => chat.typing.socketGone(socket.id),
      onUserOffline: (userId, lastSeen) => chat.presence.offline(userId, lastSeen),
      services: [chat.typing.service()],
      api: {
        sendMessage: async ({ senderId, ...input }) => (await chat.messages.send(actingAs(senderId), input)).message,
        createConversation: async ({ creatorId, ...input }) => (await chat.conversations.create(actingAs(creatorId), input)).conversation,
        addConversationMember: (conversationId, userId, role) =>
          chat.conversations.setMember(APP_BACKEND, conversationId, userId, role ?? 'member'),
        removeConversationMember: (conversationId, userId) => chat.conversations.removeMember(APP_BACKEND, conversationId, userId),
      },
    };
  },
});
