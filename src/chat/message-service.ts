/**
 * Messages: send, edit, delete, receipts and history. The socket handlers, the HTTP
 * routes and the programmatic API all call these functions, so a message sent over
 * HTTP is validated, stored and fanned out exactly like one sent over a socket.
 */
import type { Principal } from '../auth/principal.js';
import { hasRole } from '../auth/principal.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { toIso } from '../core/ids.js';
import type { MessageSendPayload } from '../protocol/events.js';
import type { Message } from '../protocol/shapes.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { WriteContext } from '../store/write-context.js';
import { type MessageRow, toMessage } from './chat-shapes.js';
import type { ConversationService } from './conversation-service.js';
import type { ConversationsRepo } from './conversations-repo.js';
import { requireMember } from './membership.js';
import type { SendWrite, SentMessage } from './message-writes.js';
import type { MessagesRepo } from './messages-repo.js';
import type { DeliveryResult, DeliveryWrite, ReadResult, ReadWrite } from './receipt-writes.js';

/**
 * What `message:send`, `POST …/messages` and `sendMessage()` take: the contract's
 * payload, `conversationId` or `receiverId` (the direct conversation is created when
 * missing); `type` defaults to 'text'; a repeated `clientMessageId` returns the original.
 */
export type SendMessageInput = MessageSendPayload;

export interface SendResult {
  message: Message;
  /** False when `clientMessageId` matched an earlier send and nothing was stored. */
  created: boolean;
}

/** The group-commit writers the service stores through (chat-services.ts builds them). */
export interface MessageWriters {
  send: BatchWriter<SendWrite, SentMessage>;
  delivered: BatchWriter<DeliveryWrite, DeliveryResult>;
  read: BatchWriter<ReadWrite, ReadResult>;
}

export class MessageService {
  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
    private readonly messages: MessagesRepo,
    private readonly conversationService: ConversationService,
    private readonly writers: MessageWriters,
  ) {}

  /** VALIDATION_FAILED for an unknown type or empty content, PAYLOAD_TOO_LARGE past `chat.maxContentLength`. */
  private checkContent(content: string, type: string): void {
    const { messageTypes, maxContentLength } = this.ctx.config.chat;
    if (!messageTypes.includes(type)) throw fail('VALIDATION_FAILED', `type must be one of ${messageTypes.join(', ')}`);
    if (content.trim().length === 0) throw fail('VALIDATION_FAILED', 'content: must not be empty');
    if (content.length > maxContentLength) {
      throw fail('PAYLOAD_TOO_LARGE', `content is longer than ${maxContentLength} characters`, { maxContentLength });
    }
  }

  /**
   * Stores (through the group-commit writer: membership, `replyTo` and the direct
   * conversation are checked inside the same transaction), then emits `message:new`
   * to every device of every member in one broadcast (the sending socket included).
   */
  async send(sender: Principal, input: SendMessageInput, context?: WriteContext): Promise<SendResult> {
    const type = input.type ?? 'text';
    this.checkContent(input.content, type);
    if (!input.conversationId) {
      if (!input.receiverId) throw fail('VALIDATION_FAILED', 'conversationId or receiverId is required');
      if (input.receiverId === sender.userId) throw fail('VALIDATION_FAILED', 'A direct conversation needs another user');
    }
    const sent = await this.writers.send.submit(
      {
        senderId: sender.userId,
        conversationId: input.conversationId,
        receiverId: input.conversationId ? undefined : input.receiverId,
        content: input.content,
        type,
        clientMessageId: input.clientMessageId,
        replyTo: input.replyTo,
      },
      context,
    );
    if (sent.createdConversation) await this.conversationService.announceCreated(sent.createdConversation);
    const message = toMessage(sent.row);
    // The retry's ack carries the original; its fan-out already happened.
    if (sent.created) this.ctx.emitter.toUsers(sent.memberIds, 'message:new', message);
    return { message, created: sent.created };
  }

  /** A message the principal may act on as a member; NOT_FOUND / FORBIDDEN otherwise. */
  private async memberMessage(principal: Principal, messageId: string): Promise<MessageRow> {
    const row = await this.messages.find(messageId);
    if (!row) throw fail('NOT_FOUND', 'No such message');
    await requireMember(this.ctx, principal, row.conversation_id);
    return row;
  }

  /** Sender only; emits `message:updated` to the members. */
  async edit(editor: Principal, messageId: string, content: string): Promise<Message> {
    const row = await this.memberMessage(editor, messageId);
    if (row.sender_id !== editor.userId) throw fail('FORBIDDEN', 'Only the sender may edit a message');
    if (row.deleted_at !== null) throw fail('NOT_FOUND', 'The message was deleted');
    this.checkContent(content, row.type);
    const updated = await this.messages.edit(messageId, content);
    const message = toMessage(updated ?? row);
    this.ctx.emitter.toUsers(await this.conversations.memberIds(row.conversation_id), 'message:updated', message);
    return message;
  }

  /**
   * The sender, a conversation owner/admin or a user with the `admin` role may delete.
   * The row stays in history with `deleted: true` and empty content.
   */
  async delete(actor: Principal, messageId: string): Promise<{ messageId: string }> {
    const row = await this.memberMessage(actor, messageId);
    if (row.sender_id !== actor.userId && !hasRole(actor, 'admin')) {
      const role = await this.conversations.roleOf(row.conversation_id, actor.userId);
      if (role !== 'owner' && role !== 'admin') throw fail('FORBIDDEN', 'Only the sender or an admin may delete a message');
    }
    if (row.deleted_at === null) {
      await this.messages.softDelete(messageId);
      this.ctx.emitter.toUsers(await this.conversations.memberIds(row.conversation_id), 'message:deleted', {
        messageId,
        conversationId: row.conversation_id,
        deletedBy: actor.userId,
      });
    }
    return { messageId };
  }

  /** A recipient's device confirms receipt (batched); the sender hears it once per recipient user. */
  async delivered(recipient: Principal, messageId: string): Promise<void> {
    const result = await this.writers.delivered.submit({ userId: recipient.userId, messageId });
    if (result.recorded) {
      this.ctx.emitter.toUser(result.senderId, 'message:delivered', {
        messageId,
        conversationId: result.conversationId,
        userId: recipient.userId,
      });
    }
  }

  /** Marks read up to and including `messageId` (batched); the other members hear it when the marker moved. */
  async read(reader: Principal, conversationId: string, messageId: string): Promise<{ readAt: string }> {
    const at = Date.now();
    const readAt = toIso(at);
    const result = await this.writers.read.submit({ userId: reader.userId, conversationId, messageId, at });
    if (result.moved) this.ctx.emitter.toUsers(result.others, 'message:read', { conversationId, messageId, userId: reader.userId, readAt });
    return { readAt };
  }

  /** History for members, newest first, paged by message id. */
  async history(reader: Principal, conversationId: string, options: { before?: string; limit: number }) {
    await requireMember(this.ctx, reader, conversationId, 'history');
    const { rows, nextCursor } = await this.messages.history(conversationId, options);
    return { messages: rows.map(toMessage), nextCursor };
  }
}
