/**
 * The chat's programmatic API (declared on ProvidedApi, so `createSwitchboard()`'s
 * return value has these methods). They run the same code as the socket events and
 * HTTP routes, with the app backend acting as `senderId` / `creatorId`.
 */
import type { Conversation, Message } from '../protocol/shapes.js';
import type { MemberRole } from './chat-tables.js';
import type { CreateConversationInput } from './conversation-service.js';
import type { SendMessageInput } from './message-service.js';

export interface SendMessageOptions extends SendMessageInput {
  /** The user the message is from; must be a member of the conversation. */
  senderId: string;
}

export interface CreateConversationOptions extends CreateConversationInput {
  /** The creator (owner of a group, one side of a direct conversation). */
  creatorId: string;
}

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Stores and delivers a message as `senderId`.
     * @example await sb.sendMessage({ receiverId: '42', senderId: 'support', content: 'Your order shipped' });
     */
    sendMessage(options: SendMessageOptions): Promise<Message>;
    /**
     * Creates a group, or gets/creates the direct conversation of two users.
     * @example const { id } = await sb.createConversation({ kind: 'group', creatorId: '1', memberIds: ['2', '3'], title: 'Team' });
     */
    createConversation(options: CreateConversationOptions): Promise<Conversation>;
    /** Adds a group member (or changes a role) with the app backend's rights. @default role 'member' */
    addConversationMember(conversationId: string, userId: string, role?: MemberRole): Promise<Conversation>;
    /** Removes a group member with the app backend's rights. */
    removeConversationMember(conversationId: string, userId: string): Promise<Conversation>;
  }
}
