/**
 * Who may call an HTTP route. User routes take a user token (JWT or guest session); server
 * routes take an API key (`Authorization: Bearer sk_…`) or an admin JWT. A cookie token
 * counts only on same-origin requests, and HTTP takes no `?token=` (issue 12).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { hasRole, type Principal } from '../auth/principal.js';
import { httpToken } from '../auth/token-sources.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';

export type ServerCaller = { kind: 'apiKey' } | { kind: 'user'; principal: Principal };

/** Header or same-origin cookie; never `?token=` on HTTP (src/auth/token-sources.ts). */
function tokenOf(ctx: SwitchboardContext, request: FastifyRequest): string | undefined {
  return httpToken(request, ctx.config.cors.origins ?? []);
}

/** Whether `token` is one of the configured API keys (constant time per key). */
export function matchesApiKey(ctx: SwitchboardContext, token: string): boolean {
  const given = Buffer.from(token);
  let found = false;
  // Compare against every key in constant time per key, so timing does not reveal a prefix.
  for (const key of ctx.config.apiKeys) {
    const expected = Buffer.from(key);
    if (expected.length === given.length && timingSafeEqual(expected, given)) found = true;
  }
  return found;
}

/** The authenticated user, or throws AUTH_REQUIRED / AUTH_INVALID / AUTH_EXPIRED. */
export async function requireUser(ctx: SwitchboardContext, request: FastifyRequest): Promise<Principal> {
  return ctx.auth.authenticate(tokenOf(ctx, request));
}

/** An API key, or a user with one of `roles`; otherwise FORBIDDEN (or an auth code). */
export async function requireServer(ctx: SwitchboardContext, request: FastifyRequest, roles: string[] = ['admin']): Promise<ServerCaller> {
  const token = tokenOf(ctx, request);
  if (!token) throw fail('AUTH_REQUIRED', 'An API key or admin token is required');
  if (matchesApiKey(ctx, token)) return { kind: 'apiKey' };
  if (token.startsWith('sk_')) throw fail('AUTH_INVALID', 'Unknown API key');
  const principal = await ctx.auth.authenticate(token);
  if (!hasRole(principal, ...roles)) throw fail('FORBIDDEN', `Requires an API key or role ${roles.join(' or ')}`);
  return { kind: 'user', principal };
}

/** A user token or an API key (routes such as GET /api/presence). */
export async function requireUserOrServer(ctx: SwitchboardContext, request: FastifyRequest): Promise<ServerCaller> {
  const token = tokenOf(ctx, request);
  if (token && matchesApiKey(ctx, token)) return { kind: 'apiKey' };
  return { kind: 'user', principal: await ctx.auth.authenticate(token) };
}
