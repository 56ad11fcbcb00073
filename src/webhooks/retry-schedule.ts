/**
 * When a failed delivery is tried again: exponential backoff with jitter, capped, for
 * as long as the retry window lasts after the event (`webhook.retry`). With the
 * defaults: about 5 s, 10 s, 20 s, … 1 h, then hourly until 24 h after the event.
 */
import type { WebhookSettings } from './webhooks-config.js';

export type RetrySettings = WebhookSettings['retry'];

/**
 * The time of the next attempt after `attempts` failed attempts, or null when it
 * would fall outside the window (the delivery is then failed).
 */
export function nextAttemptAt(
  settings: RetrySettings,
  attempts: number,
  createdAt: number,
  now: number,
  random = Math.random,
): number | null {
  const exponential = settings.initialDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const delay = Math.min(exponential, settings.maxDelayMs);
  // Full delay minus up to `jitter` of it: retries of a burst of events spread out.
  const jittered = Math.round(delay * (1 - settings.jitter * random()));
  const at = now + jittered;
  return at - createdAt > settings.windowMs ? null : at;
}
