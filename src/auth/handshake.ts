/**
 * Socket.IO middleware that authenticates every handshake (including recovered
 * sessions: recovery runs with skipMiddlewares false) and writes an audit line for
 * each one, accepted or refused, with no token contents, at the level of
 * `log.handshakes`. The features' admission checks run around authentication
 * (per-IP limits before any token is verified, per-user limits after). Refusals for a
 * limit (RATE_LIMITED) come in floods, so they are logged once per client address and
 * interval, with the count of those not logged.
 */
import type { ExtendedError } from 'socket.io';
import type { AdmissionCheck, SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { toSwitchboardError } from '../core/errors.js';
import { LogThrottle } from '../core/log-throttle.js';
import { type HandshakeAudit, handshakeAudit } from '../realtime/handshake-audit.js';
import { extractToken } from './token-sources.js';

/** Shortest time between two logged RATE_LIMITED refusals of one address. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

function auditFields(socket: SwitchboardSocket) {
  const headers = socket.handshake.headers;
  const forwarded = headers['x-forwarded-for'];
  return {
    address: socket.handshake.address,
    forwardedFor: typeof forwarded === 'string' ? forwarded : undefined,
    origin: headers.origin,
    transport: socket.conn.transport.name,
  };
}

export function createHandshakeMiddleware(ctx: SwitchboardContext, isClosing: () => boolean, checks: readonly AdmissionCheck[] = []) {
  const refusals = new LogThrottle({ intervalMs: REFUSAL_LOG_INTERVAL_MS });
  const audit = handshakeAudit(ctx.logger, ctx.config.log.handshakes);
  return async (socket: SwitchboardSocket, next: (err?: ExtendedError) => void) => {
    try {
      if (isClosing()) throw Object.assign(new Error('Server is shutting down'), { code: 'UNAVAILABLE' });
      for (const check of checks) await check.beforeAuth?.(socket);
      const token = extractToken({
        auth: socket.handshake.auth,
        query: socket.handshake.query as Record<string, unknown>,
        headers: socket.handshake.headers,
      });
      const principal = await ctx.auth.authenticate(token);
      socket.data = { ...principal };
      for (const check of checks) await check.afterAuth?.(socket);
      audit(
        { audit: 'handshake', outcome: 'accepted', userId: principal.userId, authKind: principal.authKind, ...auditFields(socket) },
        'handshake accepted',
      );
      next();
    } catch (error) {
      const err = toSwitchboardError(error);
      ctx.metrics.handshakeFailures.inc({ code: err.code });
      const verdict = err.code === 'RATE_LIMITED' ? refusals.take(socket.handshake.address) : { log: true, suppressed: 0 };
      if (verdict.log) {
        const write: HandshakeAudit = err.code === 'INTERNAL' ? (fields, message) => ctx.logger.error(fields, message) : audit;
        write(
          {
            audit: 'handshake',
            outcome: 'refused',
            code: err.code,
            reason: err.message,
            ...auditFields(socket),
            suppressed: verdict.suppressed || undefined,
            err: err.code === 'INTERNAL' ? error : undefined,
          },
          'handshake refused',
        );
      }
      // The contract: connect_error's err.message is the code, err.data = { code, message }.
      const refusal = new Error(err.code) as ExtendedError;
      refusal.data = err.details
        ? { code: err.code, message: err.message, details: err.details }
        : { code: err.code, message: err.message };
      next(refusal);
    }
  };
}
