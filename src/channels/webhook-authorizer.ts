/**
 * Policy "webhook": the app backend decides. `POST {url}` with `{ userId, channel }`;
 * 2xx allows, 403 (or any other 4xx) denies with FORBIDDEN; a timeout, a refused
 * connection or a 5xx is UNAVAILABLE, so the client can tell "no" from "try again".
 * Answers are cached per user and channel for `webhookCacheSeconds`; the cache is
 * per node, which is fine because it is only a cache (a node that has not asked yet
 * asks the backend, which stays the source of truth).
 */

import { fail, SwitchboardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AccessRequest } from './channel-policy.js';
import type { ChannelNamespaceConfig } from './channels-config.js';

/** Entries kept at most; the oldest are dropped first (Map keeps insertion order). */
const MAX_CACHE_ENTRIES = 10_000;

interface CachedAnswer {
  allowed: boolean;
  expiresAt: number;
}

export class WebhookAuthorizer {
  private readonly cache = new Map<string, CachedAnswer>();

  constructor(private readonly logger: Logger) {}

  /** The policy implementation handed to `ChannelPolicy.implementPolicies`. */
  readonly authorize = async (ns: ChannelNamespaceConfig, { principal, channel }: AccessRequest): Promise<void> => {
    const key = `${principal.userId}\n${channel.name}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      if (!cached.allowed) throw fail('FORBIDDEN', 'Refused by the channel webhook');
      return;
    }
    const allowed = await this.ask(ns, principal.userId, channel.name);
    if (ns.webhookCacheSeconds > 0) this.remember(key, { allowed, expiresAt: Date.now() + ns.webhookCacheSeconds * 1000 });
    if (!allowed) throw fail('FORBIDDEN', 'Refused by the channel webhook');
  };

  private async ask(ns: ChannelNamespaceConfig, userId: string, channel: string): Promise<boolean> {
    const url = ns.webhook as string; // the config schema requires it for this policy
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, channel }),
        signal: AbortSignal.timeout(ns.webhookTimeoutMs),
        redirect: 'error',
      });
      // The body is not used; drain it so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
    } catch (cause) {
      this.logger.warn({ channel, err: cause }, 'channel webhook unreachable');
      throw new SwitchboardError('UNAVAILABLE', 'The channel authorization webhook did not answer', { cause });
    }
    if (response.ok) return true;
    if (response.status >= 500) {
      this.logger.warn({ channel, status: response.status }, 'channel webhook failed');
      throw fail('UNAVAILABLE', `The channel authorization webhook failed (${response.status})`);
    }
    return false;
  }

  private remember(key: string, answer: CachedAnswer): void {
    this.cache.delete(key);
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, answer);
  }
}
