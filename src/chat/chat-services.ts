/** The chat feature's repositories and services, built once per Switchboard. */
import type { SwitchboardContext } from '../core/context.js';
import { createBatchWriter } from '../store/batch-writer.js';
import { ConversationService } from './conversation-service.js';
import { ConversationsRepo } from './conversations-repo.js';
import { messageCreatedEvents } from './message-events.js';
import { MessageService } from './message-service.js';
import { sendWrites } from './message-writes.js';
import { MessagesRepo } from './messages-repo.js';
import { PresenceAnnouncer } from './presence-announcer.js';
import { deliveryWrites, readWrites } from './receipt-writes.js';
import { TypingTracker } from './typing.js';

export interface ChatServices {
  conversationsRepo: ConversationsRepo;
  conversations: ConversationService;
  messages: MessageService;
  typing: TypingTracker;
  presence: PresenceAnnouncer;
}

export function createChatServices(ctx: SwitchboardContext): ChatServices {
  const conversationsRepo = new ConversationsRepo(ctx.store);
  const messagesRepo = new MessagesRepo(ctx.store);
  const conversations = new ConversationService(ctx, conversationsRepo, messagesRepo);
  return {
    conversationsRepo,
    conversations,
    messages: new MessageService(ctx, conversationsRepo, messagesRepo, conversations, {
      send: createBatchWriter(ctx, ctx.domainEvents.withEvents(sendWrites, ['message.created'], messageCreatedEvents(ctx))),
      delivered: createBatchWriter(ctx, deliveryWrites),
      read: createBatchWriter(ctx, readWrites),
    }),
    typing: new TypingTracker(ctx, conversationsRepo),
    presence: new PresenceAnnouncer(ctx, conversationsRepo),
  };
}
