/**
 * HTTP routes of the chat (PROTOCOL.md "HTTP API"): user token unless noted; 201 for
 * creations, 200 for reads and actions, `ok: true` on every success, lists under a
 * named array with `nextCursor`.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { USER_AUTH, USER_OR_SERVER_AUTH } from '../http/api-docs.js';
import { requireUser, requireUserOrServer } from '../http/guards.js';
import { idempotencyHeadersSchema } from '../idempotency/index.js';
import { parseOrFail } from '../realtime/validation.js';
import {
  conversationMemberParamsSchema,
  conversationParamsSchema,
  createConversationSchema,
  listQuerySchema,
  memberBodySchema,
  messagePostBodySchema,
} from './chat-schemas.js';
import type { ChatServices } from './chat-services.js';

interface IdParams {
  Params: z.output<typeof conversationParamsSchema>;
}
interface MemberParams {
  Params: z.output<typeof conversationMemberParamsSchema>;
}

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const schemas = {
  create: {
    tags: ['chat'],
    summary: 'Create a group, or open the direct conversation of a pair (201 when created, 200 when it existed)',
    security: USER_AUTH,
    body: createConversationSchema,
  },
  list: { tags: ['chat'], summary: "The caller's conversations, newest activity first", security: USER_AUTH, querystring: listQuerySchema },
  history: {
    tags: ['chat'],
    summary: 'Messages of a conversation, newest first (`before` pages back)',
    security: USER_AUTH,
    params: conversationParamsSchema,
    querystring: listQuerySchema,
  },
  send: {
    tags: ['chat'],
    summary: 'Send a message, as `message:send` does (a retried `clientMessageId` answers 200 with the original)',
    security: USER_AUTH,
    params: conversationParamsSchema,
    body: messagePostBodySchema,
    headers: idempotencyHeadersSchema,
  },
  setMember: {
    tags: ['chat'],
    summary: 'Add a member to a group or change their role (a group owner/admin, or the app backend)',
    security: USER_OR_SERVER_AUTH,
    params: conversationMemberParamsSchema,
    body: memberBodySchema,
  },
  removeMember: {
    tags: ['chat'],
    summary: 'Remove a member from a group (a group owner/admin, the member themselves, or the app backend)',
    security: USER_OR_SERVER_AUTH,
    params: conversationMemberParamsSchema,
  },
} satisfies Record<string, FastifySchema>;

export function chatRoutes(http: FastifyInstance, ctx: SwitchboardContext, chat: ChatServices): void {
  // 201 with a new conversation; 200 with the existing direct conversation of the pair.
  http.post('/api/conversations', { schema: schemas.create }, async (request, reply) => {
    const principal = await requireUser(ctx, request);
    const body = parseOrFail(createConversationSchema, request.body);
    const { conversation, created } = await chat.conversations.create(principal, body);
    return reply.code(created ? 201 : 200).send({ ok: true, conversation, created });
  });

  http.get('/api/conversations', { schema: schemas.list }, async (request) => {
    const principal = await requireUser(ctx, request);
    const query = parseOrFail(listQuerySchema, request.query);
    return { ok: true, ...(await chat.conversations.list(principal, query)) };
  });

  http.get<IdParams>('/api/conversations/:id/messages', { schema: schemas.history }, async (request) => {
    const principal = await requireUser(ctx, request);
    const query = parseOrFail(listQuerySchema, request.query);
    return { ok: true, ...(await chat.messages.history(principal, request.params.id, query)) };
  });

  // Same path as message:send; a retried clientMessageId answers 200 with the original.
  http.post<IdParams>('/api/conversations/:id/messages', { schema: schemas.send, config: { idempotent: true } }, async (request, reply) => {
    const principal = await requireUser(ctx, request);
    const body = parseOrFail(messagePostBodySchema, request.body);
    const { message, created } = await chat.messages.send(principal, { ...body, conversationId: request.params.id }, request.writeContext);
    return reply.code(created ? 201 : 200).send({ ok: true, message });
  });

  // Group members with role owner/admin (their token), or the app backend (API key or admin JWT).
  http.put<MemberParams>('/api/conversations/:id/members/:userId', { schema: schemas.setMember }, async (request) => {
    const caller = await requireUserOrServer(ctx, request);
    const body = parseOrFail(memberBodySchema, request.body ?? undefined);
    const conversation = await chat.conversations.setMember(caller, request.params.id, request.params.userId, body?.role);
    return { ok: true, conversation };
  });

  http.delete<MemberParams>('/api/conversations/:id/members/:userId', { schema: schemas.removeMember }, async (request) => {
    const caller = await requireUserOrServer(ctx, request);
    const conversation = await chat.conversations.removeMember(caller, request.params.id, request.params.userId);
    return { ok: true, conversation };
  });
}
