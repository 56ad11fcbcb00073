/**
 * Who may use the admin routes, and the audit line of every dashboard action.
 *
 * The admin routes take the token from the `Authorization` header only: the
 * contract also accepts a `switchboard_token` cookie, which a browser would attach
 * to a forged cross-site request, and a `?token=` query, which ends up in access
 * logs and browser history. The dashboard always sends the header.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/token-sources.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail, toSwitchboardError } from '../core/errors.js';
import { requireServer, type ServerCaller } from '../http/guards.js';
import type { AdminIdentity } from './shapes.js';

/** Who did something, as the audit line names them: never the key itself. */
export type AuditActor = { kind: 'apiKey'; key: string } | { kind: 'user'; userId: string; name?: string };

/** A short, stable fingerprint of an API key (its SHA-256, 12 hex digits): enough to tell keys apart in logs. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function actorOf(caller: ServerCaller, token: string): AuditActor {
  if (caller.kind === 'apiKey') return { kind: 'apiKey', key: keyFingerprint(token) };
  return { kind: 'user', userId: caller.principal.userId, ...(caller.principal.name ? { name: caller.principal.name } : {}) };
}

/** The dashboard's "signed in as" line. */
export function identityOf(actor: AuditActor): AdminIdentity {
  if (actor.kind === 'apiKey') return { kind: 'apiKey', label: `API key ${actor.key}` };
  return { kind: 'user', label: actor.name ? `${actor.name} (${actor.userId})` : actor.userId };
}

/**
 * An API key or a user with role `admin`, from the Authorization header; otherwise
 * AUTH_REQUIRED, AUTH_INVALID, AUTH_EXPIRED or FORBIDDEN (a plain user).
 */
export async function requireAdmin(ctx: SwitchboardContext, request: FastifyRequest): Promise<AuditActor> {
  const token = bearerToken(request.headers.authorization);
  const query = request.query as Record<string, unknown> | undefined;
  if (query && 'token' in query) throw fail('AUTH_INVALID', 'Admin routes take the token in the Authorization header, not ?token=');
  if (!token) throw fail('AUTH_REQUIRED', 'Send an API key or an admin token as Authorization: Bearer …');
  return actorOf(await requireServer(ctx, request), token);
}

/** What an audited action was done to. */
export type AuditTarget = Record<string, string | number>;

/** An action once its input is parsed: what it is done to, and doing it. */
export interface PreparedAction<T> {
  target: AuditTarget;
  run(actor: AuditActor): Promise<T>;
}

/**
 * Checks the caller first (a plain user is refused before any input is read), then
 * prepares and runs a dashboard action, and writes one audit line (pino,
 * `audit: 'dashboard'`) saying who did what to what and how it ended, refusals and
 * invalid input included.
 */
export async function audited<T>(
  ctx: SwitchboardContext,
  request: FastifyRequest,
  action: string,
  prepare: () => PreparedAction<T>,
): Promise<T> {
  const base = { audit: 'dashboard', action, address: request.ip };
  let actor: AuditActor;
  try {
    actor = await requireAdmin(ctx, request);
  } catch (err) {
    ctx.logger.warn({ ...base, outcome: 'refused', code: toSwitchboardError(err).code }, `dashboard ${action} refused`);
    throw err;
  }
  let target: AuditTarget | undefined;
  try {
    const prepared = prepare();
    target = prepared.target;
    const result = await prepared.run(actor);
    ctx.logger.info({ ...base, actor, target, outcome: 'ok' }, `dashboard ${action}`);
    return result;
  } catch (err) {
    ctx.logger.warn({ ...base, actor, target, outcome: 'failed', code: toSwitchboardError(err).code }, `dashboard ${action} failed`);
    throw err;
  }
}
