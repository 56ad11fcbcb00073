/**
 * Authentication's feature part: live expiry and `auth:refresh` on sockets, and guest
 * sessions over HTTP (create, revoke). The authenticator itself and the handshake are
 * core services (every connection needs them); the sessions table is the core's.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { defineFeature } from '../core/feature.js';
import { toIso } from '../core/ids.js';
import { SERVER_AUTH, USER_AUTH } from '../http/api-docs.js';
import { requireServer, requireUser } from '../http/guards.js';
import { defineEvent } from '../realtime/event-router.js';
import { sessionRoom } from '../realtime/rooms.js';
import { parseOrFail } from '../realtime/validation.js';
import { createBatchWriter } from '../store/batch-writer.js';
import { authRefreshSchema, createSessionBodySchema, sessionParamsSchema } from './auth-schemas.js';
import { clearExpiry, scheduleExpiry } from './expiry.js';
import { sessionWrites } from './sessions/session-writes.js';
import { draftSession } from './sessions/sessions-repo.js';

/**
 * Ends every live connection of a session, on any node: its sockets share the
 * session's room, so this is one emit and one `disconnectSockets()` through the
 * adapter, not a scan of the user's sockets.
 */
function disconnectSession(ctx: SwitchboardContext, sessionId: string): void {
  const room = sessionRoom(sessionId);
  ctx.io.to(room).emit('error', { code: 'AUTH_INVALID', message: 'Session revoked' });
  ctx.io.in(room).disconnectSockets(true);
}

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const schemas = {
  create: {
    tags: ['sessions'],
    summary: 'Create a guest session: a token for a user with no account (no credentials needed)',
    body: createSessionBodySchema,
  },
  revokeOwn: {
    tags: ['sessions'],
    summary: 'End the calling guest session ("log out"); its sockets are disconnected',
    security: USER_AUTH,
  },
  revoke: {
    tags: ['sessions'],
    summary: 'Revoke any guest session; its sockets are disconnected on every node',
    security: SERVER_AUTH,
    params: sessionParamsSchema,
  },
} satisfies Record<string, FastifySchema>;

function sessionRoutes(http: FastifyInstance, ctx: SwitchboardContext): void {
  // Guest sessions are created by group commit: a burst shares one transaction.
  const sessionWriter = createBatchWriter(ctx, sessionWrites);
  http.post('/api/sessions', { schema: schemas.create }, async (request, reply) => {
    const body = parseOrFail(createSessionBodySchema, request.body ?? undefined);
    const { token, session, row } = draftSession(ctx.config.auth.sessionTtlSeconds, body?.metadata);
    await sessionWriter.submit(row);
    ctx.logger.info({ audit: 'session', outcome: 'created', sessionId: session.id, address: request.ip }, 'guest session created');
    return reply.code(201).send({ ok: true, token, sessionId: session.id, userId: session.userId, expiresAt: toIso(session.expiresAt) });
  });

  // A guest ends its own session ("log out").
  http.delete('/api/sessions/current', { schema: schemas.revokeOwn }, async (request) => {
    const principal = await requireUser(ctx, request);
    if (!principal.sessionId) throw fail('VALIDATION_FAILED', 'Only session tokens can be revoked this way');
    await ctx.auth.sessions.revoke(principal.sessionId);
    disconnectSession(ctx, principal.sessionId);
    return { ok: true, revoked: principal.sessionId };
  });

  // The app backend revokes any session.
  http.delete<{ Params: z.output<typeof sessionParamsSchema> }>('/api/sessions/:id', { schema: schemas.revoke }, async (request) => {
    await requireServer(ctx, request);
    const userId = await ctx.auth.sessions.userOf(request.params.id);
    if (!userId || !(await ctx.auth.sessions.revoke(request.params.id))) throw fail('NOT_FOUND', 'No such live session');
    disconnectSession(ctx, request.params.id);
    return { ok: true, revoked: request.params.id };
  });
}

/** Purges expired guest sessions now and then (every node may: the delete is idempotent). */
function sessionSweeper(ctx: SwitchboardContext) {
  const { sessionPurgeIntervalMs, sessionPurgeAfterSeconds } = ctx.config.auth;
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'session-sweeper',
    start() {
      timer = setInterval(() => {
        ctx.auth.sessions.purgeExpired(sessionPurgeAfterSeconds * 1000).catch((err) => ctx.logger.warn({ err }, 'session purge failed'));
      }, sessionPurgeIntervalMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}

export const authFeature = defineFeature({
  name: 'auth',
  setup: (ctx) => ({
    onConnection: (socket) => scheduleExpiry(ctx, socket),
    onDisconnect: (socket) => clearExpiry(socket),
    events: [
      defineEvent('auth:refresh', {
        schema: authRefreshSchema,
        async handler({ token }, socket) {
          const next = await ctx.auth.authenticate(token);
          // A refresh may renew credentials, never switch users.
          if (next.userId !== socket.data.userId) throw fail('AUTH_INVALID', 'Refresh token is for another user');
          const before = socket.data.sessionId;
          socket.data = { ...socket.data, ...next };
          // Revocation finds sockets by their session's room: follow a change of session.
          if (before !== socket.data.sessionId) {
            if (before) await socket.leave(sessionRoom(before));
            if (socket.data.sessionId) await socket.join(sessionRoom(socket.data.sessionId));
          }
          scheduleExpiry(ctx, socket);
          return { expiresAt: next.expiresAt === null ? null : toIso(next.expiresAt) };
        },
      }),
    ],
    routes: (http) => sessionRoutes(http, ctx),
    services: [sessionSweeper(ctx)],
  }),
});
