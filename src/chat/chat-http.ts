/**
 * HTTP routes of the chat (PROTOCOL.md "HTTP API"): user token unless noted; 201 for
 * creations, 200 for reads and actions, `ok: true` on every success, lists under a
 * named array with `nextCursor`.
 */
import type { FastifyInstance } from 'fastify';
import type { SwitchboardContext } from '../core/context.js';
import { requireUser, requireUserOrServer } from '../http/guards.js';
import { parseOrFail } from '../realtime/validation.js';
import { createConversationSchema, listQuerySchema, memberBodySchema, messagePostBodySchema } from './chat-schemas.js';
import type { ChatServices } from './chat-services.js';

interface IdParams {
  Params: { id: string };
}
interface MemberParams {
  Params: { id: string; userId: string };
}

export function chatRoutes(http: FastifyInstance, ctx: SwitchboardContext, chat: ChatServices): void {
  // 201 with a new conversation; 200 with the existing direct conversation of the pair.
  http.post('/api/conversations', async (request, reply) => {
    const principal = await requireUser(ctx, request);
    const body = parseOrFail(createConversationSchema, request.body);
    const { conversation, created } = await chat.conversations.create(principal, body);
    return reply.code(created ? 201 : 200).send({ ok: true, conversation, created });
  });

  http.get('/api/conversations', async (request) => {
    const principal = await requireUser(ctx, request);
    const query = parseOrFail(listQuerySchema, request.query);
    return { ok: true, ...(await chat.conversations.list(principal, query)) };
  });

  http.get<IdParams>('/api/conversations/:id/messages', async (request) => {
    const principal = await requireUser(ctx, request);
    const query = parseOrFail(listQuerySchema, request.query);
    return { ok: true, ...(await chat.messages.history(principal, request.params.id, query)) };
  });

  // Same path as message:send; a retried clientMessageId answers 200 with the original.
  http.post<IdParams>('/api/conversations/:id/messages', { config: { idempotent: true } }, async (request, reply) => {
    const principal = await requireUser(ctx, request);
    const body = parseOrFail(messagePostBodySchema, request.body);
    const { message, created } = await chat.messages.send(principal, { ...body, conversationId: request.params.id });
    return reply.code(created ? 201 : 200).send({ ok: true, message });
  });

  // Group members with role owner/admin (their token), or the app backend (API key or admin JWT).
  http.put<MemberParams>('/api/conversations/:id/members/:userId', async (request) => {
    const caller = await requireUserOrServer(ctx, request);
    const body = parseOrFail(memberBodySchema, request.body ?? undefined);
    const conversation = await chat.conversations.setMember(caller, request.params.id, request.params.userId, body?.role);
    return { ok: true, conversation };
  });

  http.delete<MemberParams>('/api/conversations/:id/members/:userId', async (request) => {
    const caller = await requireUserOrServer(ctx, request);
    const conversation = await chat.conversations.removeMember(caller, request.params.id, request.params.userId);
    return { ok: true, conversation };
  });
}
