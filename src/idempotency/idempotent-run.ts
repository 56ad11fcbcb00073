/**
 * `once(scope, key, effect)`: the programmatic form of an Idempotency-Key, for callers
 * that are not HTTP requests (the Kafka bridge, with `topic:partition:offset` as the
 * key). The effect runs at most once per key within the TTL, cluster-wide; a repeat
 * while the first is still running waits for it, and a claim whose node died is taken
 * over after `pendingTimeoutMs`.
 */
import { fail } from '../core/errors.js';
import type { WriteContext } from '../store/write-context.js';
import type { IdempotencyRepo } from './idempotency-repo.js';

/** Runs `effect` unless this key already ran it; resolves `{ ran }`. */
export type Once = (scope: string, key: string, effect: (context: WriteContext) => Promise<unknown>) => Promise<{ ran: boolean }>;

const POLL_MS = 100;

export function createOnce(repo: IdempotencyRepo, pendingTimeoutMs: number): Once {
  return async (scope, key, effect) => {
    // A little past the pending timeout: by then the claim is done or may be taken over.
    const deadline = Date.now() + pendingTimeoutMs + 5 * POLL_MS;
    while (Date.now() <= deadline) {
      const claim = await repo.claim(scope, key, key);
      if (claim.kind === 'done' || claim.kind === 'applied' || claim.kind === 'mismatch') return { ran: false };
      if (claim.kind === 'pending') {
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, claim.retryAfterMs)));
        continue;
      }
      const held = { scope, key, claimedAt: claim.claimedAt };
      try {
        // The effect hands this to its write: its store transaction marks the key applied (write-context.ts).
        await effect({ inTransaction: (trx) => repo.markApplied(trx, held) });
      } catch (error) {
        await repo.release(scope, key, claim.claimedAt).catch(() => {});
        throw error;
      }
      await repo.complete(scope, key, claim.claimedAt, 200, null);
      return { ran: true };
    }
    throw fail('UNAVAILABLE', `The first run of idempotency key "${key}" has not finished`);
  };
}
