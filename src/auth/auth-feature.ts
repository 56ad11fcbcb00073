/**
 * Authentication: handshake middleware, live expiry and `auth:refresh`, and guest
 * sessions over HTTP (create, revoke).
 */
import type { Feature, SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { toIso } from '../core/ids.js';
import { requireServer, requireUser } from '../http/guards.js';
import { parseOrFail } from '../realtime/validation.js';
import { createBatchWriter } from '../store/batch-writer.js';
import { authRefreshSchema, createSessionBodySchema } from './auth-schemas.js';
import { clearExpiry, scheduleExpiry } from './expiry.js';
import { sessionWrites } from './sessions/session-writes.js';
import { draftSession } from './sessions/sessions-repo.js';

/** Ends every live connection of a session (on any node) after it is revoked. */
async function disconnectSession(ctx: SwitchboardContext, sessionId: string): Promise<void> {
  const sockets = await ctx.io.fetchSockets();
  for (const socket of sockets) {
    if (socket.data.sessionId === sessionId) {
      socket.emit('error', { code: 'AUTH_INVALID', message: 'Session revoked' });
      socket.disconnect(true);
    }
  }
}

export const authFeature: Feature = {
  name: 'auth',
  register(ctx) {
    ctx.onConnection((socket) => scheduleExpiry(ctx, socket));
    ctx.onDisconnect((socket) => clearExpiry(socket));

    ctx.events.on('auth:refresh', {
      schema: authRefreshSchema,
      async handler({ token }, socket) {
        const next = await ctx.auth.authenticate(token);
        // A refresh may renew credentials, never switch users.
        if (next.userId !== socket.data.userId) throw fail('AUTH_INVALID', 'Refresh token is for another user');
        socket.data = { ...socket.data, ...next };
        scheduleExpiry(ctx, socket);
        return { expiresAt: next.expiresAt === null ? null : toIso(next.expiresAt) };
      },
    });

    const sessionWriter = createBatchWriter(ctx, sessionWrites);
    ctx.http.post('/api/sessions', async (request, reply) => {
      const body = parseOrFail(createSessionBodySchema, request.body ?? undefined);
      const { token, session, row } = draftSession(ctx.config.auth.sessionTtlSeconds, body?.metadata);
      await sessionWriter.submit(row);
      ctx.logger.info({ audit: 'session', outcome: 'created', sessionId: session.id, address: request.ip }, 'guest session created');
      return reply.code(201).send({ ok: true, token, sessionId: session.id, userId: session.userId, expiresAt: toIso(session.expiresAt) });
    });

    // A guest ends its own session ("log out").
    ctx.http.delete('/api/sessions/current', async (request) => {
      const principal = await requireUser(ctx, request);
      if (!principal.sessionId) throw fail('VALIDATION_FAILED', 'Only session tokens can be revoked this way');
      await ctx.auth.sessions.revoke(principal.sessionId);
      await disconnectSession(ctx, principal.sessionId);
      return { ok: true, revoked: principal.sessionId };
    });

    // The app backend revokes any session.
    ctx.http.delete<{ Params: { id: string } }>('/api/sessions/:id', async (request) => {
      await requireServer(ctx, request);
      const revoked = await ctx.auth.sessions.revoke(request.params.id);
      if (!revoked) throw fail('NOT_FOUND', 'No such live session');
      await disconnectSession(ctx, request.params.id);
      return { ok: true, revoked: request.params.id };
    });

    const sweeper = setInterval(() => {
      ctx.auth.sessions.purgeExpired(7 * 24 * 3600 * 1000).catch((err) => ctx.logger.warn({ err }, 'session purge failed'));
    }, 3600_000);
    sweeper.unref();
    ctx.lifecycle.add({ name: 'session-sweeper', start() {}, stop: () => clearInterval(sweeper) });
  },
};
