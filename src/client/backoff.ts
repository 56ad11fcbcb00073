/**
 * Exponential backoff with jitter for the SDK's own retries (resubscribes, sends,
 * handshake refusals that socket.io-client does not retry by itself). Half the delay
 * is fixed and half random ("equal jitter"), so a crowd of clients that lost the same
 * server spreads out instead of coming back in one wave.
 */

/** Retry timing. */
export interface BackoffOptions {
  /** First delay, ms. @default 250 */
  minDelayMs?: number;
  /** Largest delay, ms. @default 10000 */
  maxDelayMs?: number;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const min = options.minDelayMs ?? 250;
  const max = Math.max(min, options.maxDelayMs ?? 10_000);
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
