/** The configured endpoints, resolved once: `webhooks[]` plus `webhook.url` from the environment. */
import type { SwitchboardConfig } from '../config/schema.js';
import type { WebhookEventType } from '../protocol/webhook-events.js';
import type { WebhookEndpointConfig } from './webhooks-config.js';

export interface WebhookEndpoint extends WebhookEndpointConfig {
  /** Whether this endpoint receives `type`. */
  wants(type: WebhookEventType): boolean;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function resolveEndpoints(config: Readonly<SwitchboardConfig>): WebhookEndpoint[] {
  const listed: WebhookEndpointConfig[] = [...config.webhooks];
  const { url, secret } = config.webhook;
  if (url && secret && !listed.some((endpoint) => endpoint.url === url)) listed.push({ url, secret, timeoutMs: DEFAULT_TIMEOUT_MS });
  return listed.map((endpoint) => {
    const types = endpoint.events ? new Set<WebhookEventType>(endpoint.events) : undefined;
    return { ...endpoint, wants: (type) => types === undefined || types.has(type) };
  });
}

/** An endpoint as metrics and logs name it: without credentials or query (they may hold tokens). */
export function endpointLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
