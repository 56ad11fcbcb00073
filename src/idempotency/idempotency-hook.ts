/**
 * The Idempotency-Key header on HTTP routes that opt in with route config
 * `{ config: { idempotent: true } }` (POST /api/notify, /api/publish, /api/broadcast,
 * /api/conversations/{id}/messages). Before the handler, the key is claimed for the
 * caller (an API key, or the user of a token); a repeat of a finished request is
 * answered with the first answer (same status and body, header
 * `Idempotent-Replayed: true`) and the handler does not run; a repeat while the first
 * is still running is CONFLICT with `retryAfterMs`; the same key on a different
 * request (method, path or body) is CONFLICT. Writes of the handler that go through the
 * group-commit writer mark the key applied in their own transaction, so a node dying
 * after the commit and before the answer leaves a key that is never run again (a
 * repeat is CONFLICT). The answer is recorded before it is sent, so a retry after any
 * answer finds it. Answers that a retry may change (401,
 * 403, 409, 429, 5xx) are not kept: the claim is given up and a retry runs again.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { extractToken } from '../auth/token-sources.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail, SwitchboardError } from '../core/errors.js';
import type { HeldClaim, IdempotencyRepo } from './idempotency-repo.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour the Idempotency-Key header on this route (src/idempotency). */
    idempotent?: boolean;
  }
}

const MAX_KEY_LENGTH = MAX_IDEMPOTENCY_KEY_LENGTH;
/** Answers kept for repeats: successes and refusals a retry cannot change. */
const KEPT_ERRORS = new Set([400, 404, 413, 422]);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Who is asking: the API key (by fingerprint) or the token's user; undefined when neither (the handler refuses). */
async function callerScope(ctx: SwitchboardContext, request: FastifyRequest): Promise<string | undefined> {
  const token = extractToken({ query: request.query as Record<string, unknown>, headers: request.headers });
  if (!token) return undefined;
  if (ctx.config.apiKeys.includes(token)) return `key:${sha256(token).slice(0, 24)}`;
  try {
    return `user:${(await ctx.auth.authenticate(token)).userId}`;
  } catch {
    return undefined;
  }
}

function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_KEY_LENGTH) {
    throw fail('VALIDATION_FAILED', `Idempotency-Key must be one header of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  return header;
}

async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new SwitchboardError('UNAVAILABLE', 'The store could not check the Idempotency-Key', { cause: err });
  }
}

export function registerIdempotencyHook(app: FastifyInstance, ctx: SwitchboardContext, repo: IdempotencyRepo): void {
  const held = new WeakMap<FastifyRequest, HeldClaim>();

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const key = keyOf(request);
    if (key === undefined) return;
    // Handed by the route to the write it makes: the transaction that stores the
    // effect marks the key applied (write-context.ts).
    const holder: { claim?: HeldClaim } = {};
    request.writeContext = {
      inTransaction: (trx) => (holder.claim ? repo.markApplied(trx, holder.claim) : Promise.resolve()),
    };
    const scope = await callerScope(ctx, request);
    if (!scope) return;
    const fingerprint = sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`);
    const claim = await orUnavailable(() => repo.claim(scope, key, fingerprint));
    switch (claim.kind) {
      case 'claimed':
        holder.claim = { scope, key, claimedAt: claim.claimedAt };
        held.set(request, holder.claim);
        return;
      case 'done':
        reply.code(claim.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8');
        return reply.send(claim.body ?? '');
      case 'pending':
        throw fail('CONFLICT', 'A request with this Idempotency-Key is still in progress', { retryAfterMs: claim.retryAfterMs });
      case 'applied':
        throw fail('CONFLICT', 'This request was already applied; its answer could not be recorded then');
      case 'mismatch':
        throw fail('CONFLICT', 'This Idempotency-Key was used for a different request');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = held.get(request);
    if (!claim) return payload;
    held.delete(request);
    const status = reply.statusCode;
    try {
      if (status < 400 || KEPT_ERRORS.has(status)) {
        await repo.complete(claim.scope, claim.key, claim.claimedAt, status, typeof payload === 'string' ? payload : null);
      } else await repo.release(claim.scope, claim.key, claim.claimedAt);
    } catch (err) {
      // The effect stands; if it was marked applied a repeat answers CONFLICT, else it
      // may run again after the pending timeout (docs/protocol.md, "Idempotency keys").
      ctx.logger.error({ err, key: claim.key }, 'the answer of an idempotent request could not be recorded');
    }
    return payload;
  });
}
