/**
 * Policy "webhook": the app backend decides. `POST {url}` with `{ userId, channel }`;
 * 2xx allows, 403 (or any other 4xx) denies with FORBIDDEN; a timeout, a refused
 * connection or a 5xx is UNAVAILABLE, so the client can tell "no" from "try again".
 * Answers are cached per user and channel for `webhookCacheSeconds` in an LRU
 * (lru-cache's `fetchMethod`: concurrent look-ups of one key share one request, so a
 * reconnect storm asks the backend once per user and channel, not once per socket).
 * The cache is per node, which is fine because it is only a cache: the backend stays
 * the source of truth. Failures are not cached.
 */
import { LRUCache } from 'lru-cache';
import { fail, SwitchboardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AccessRequest } from './channel-policy.js';
import type { ChannelNamespaceConfig } from './channels-config.js';

/** Entries kept at most; the least recently used are dropped first. */
const MAX_CACHE_ENTRIES = 10_000;

interface Question {
  ns: ChannelNamespaceConfig;
  userId: string;
  channel: string;
}

export class WebhookAuthorizer {
  private readonly answers: LRUCache<string, boolean, Question>;

  constructor(private readonly logger: Logger) {
    this.answers = new LRUCache<string, boolean, Question>({
      max: MAX_CACHE_ENTRIES,
      fetchMethod: (_key, _stale, { context, options }) => {
        // Each namespace has its own cache lifetime; 0 keeps nothing (ask every time).
        options.ttl = context.ns.webhookCacheSeconds * 1000;
        return this.ask(context);
      },
    });
  }

  /** The policy implementation handed to `ChannelPolicy.implementPolicies`. */
  readonly authorize = async (ns: ChannelNamespaceConfig, { principal, channel }: AccessRequest): Promise<void> => {
    const question = { ns, userId: principal.userId, channel: channel.name };
    const allowed =
      ns.webhookCacheSeconds > 0
        ? await this.answers.fetch(`${principal.userId}\n${channel.name}`, { context: question })
        : await this.ask(question);
    if (!allowed) throw fail('FORBIDDEN', 'Refused by the channel webhook');
  };

  private async ask({ ns, userId, channel }: Question): Promise<boolean> {
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
}
