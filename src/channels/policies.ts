/**
 * The config policies that need services, supplied to the one ChannelPolicy module
 * with `implementPolicies`: `members` (rows in the store), `token` (a JWT with a
 * `channel` claim) and `webhook` (the app backend decides).
 */
import type { Authenticator } from '../auth/authenticator.js';
import { fail } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AccessRequest, PolicyImplementations } from './channel-policy.js';
import type { MembersRepo } from './members-repo.js';
import { WebhookAuthorizer } from './webhook-authorizer.js';

export interface PolicyServices {
  members: MembersRepo;
  auth: Authenticator;
  logger: Logger;
}

/**
 * Policy "token": a JWT signed like connection tokens (same keys, issuer, audience
 * and clock skew) whose `sub` is the subscriber and whose `channel` claim is the
 * channel. Expired → AUTH_EXPIRED, malformed or badly signed → AUTH_INVALID, for
 * another user or channel → FORBIDDEN.
 */
async function checkChannelToken(auth: Authenticator, { principal, channel, token }: AccessRequest): Promise<void> {
  if (!token) throw fail('FORBIDDEN', `Channel "${channel.name}" needs a channel token`);
  const { claims, subject } = await auth.jwt.verify(token);
  if (claims.channel !== channel.name) throw fail('FORBIDDEN', 'The channel token is for another channel');
  if (subject !== principal.userId) throw fail('FORBIDDEN', 'The channel token is for another user');
}

export function createPolicies(services: PolicyServices): PolicyImplementations {
  const webhook = new WebhookAuthorizer(services.logger);
  return {
    members: async (_ns, { principal, channel }) => {
      if (!(await services.members.isMember(channel.name, principal.userId))) throw fail('FORBIDDEN', `Not a member of "${channel.name}"`);
    },
    token: (_ns, request) => checkChannelToken(services.auth, request),
    webhook: webhook.authorize,
  };
}
