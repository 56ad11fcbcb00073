/**
 * Payload schemas of the chat events and routes (PROTOCOL.md). Content length and
 * type are checked by the service against config, not here, so that an over-long
 * message is PAYLOAD_TOO_LARGE rather than VALIDATION_FAILED.
 */
import { z } from 'zod';

const id = z.string().min(1).max(200);
const userStatus = z.enum(['online', 'away', 'busy', 'offline']);

export const messageSendSchema = z
  .object({
    conversationId: id.optional(),
    /** The social seed's DM: the direct conversation with this user is created if needed. */
    receiverId: id.optional(),
    content: z.string(),
    type: z.string().min(1).max(50).optional(),
    clientMessageId: z.string().min(1).max(200).optional(),
    replyTo: id.optional(),
  })
  .refine((p) => p.conversationId !== undefined || p.receiverId !== undefined, {
    message: 'conversationId or receiverId is required',
    path: ['conversationId'],
  });
export type MessageSendInput = z.output<typeof messageSendSchema>;

/** POST /api/conversations/{id}/messages: the conversation comes from the path. */
export const messagePostBodySchema = z.object({
  content: z.string(),
  type: z.string().min(1).max(50).optional(),
  clientMessageId: z.string().min(1).max(200).optional(),
  replyTo: id.optional(),
});

export const messageEditSchema = z.object({ messageId: id, content: z.string() });
export const messageIdSchema = z.object({ messageId: id });
export const messageReadSchema = z.object({ conversationId: id, messageId: id });
export const conversationIdSchema = z.object({ conversationId: id });
/** The contract sends a bare id; `{ conversationId }` is accepted too, like the typing events. */
export const conversationRefSchema = z.union([id, conversationIdSchema]).transform((v) => (typeof v === 'string' ? v : v.conversationId));
export const userStatusSchema = userStatus;

export const createConversationSchema = z
  .object({
    kind: z.enum(['direct', 'group']),
    memberIds: z.array(id).min(1).max(10_000),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ examples: [{ kind: 'group', memberIds: ['7', '9'], title: 'Trip to Lisbon' }] });
export type CreateConversationBody = z.output<typeof createConversationSchema>;

export const listQuerySchema = z.object({
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const memberBodySchema = z.object({ role: z.enum(['owner', 'admin', 'member']).optional() }).optional();

/** Path parameters of /api/conversations/{id}/… and /api/conversations/{id}/members/{userId}. */
export const conversationParamsSchema = z.object({ id });
export const conversationMemberParamsSchema = z.object({ id, userId: id });
