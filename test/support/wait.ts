/**
 * Waiting on a condition, on top of Vitest's `vi.waitFor` (bounded, polled, never a
 * timed assertion: it never fails for being early).
 */
import { vi } from 'vitest';

/** Resolves with the first truthy value of `check`; rejects after `timeoutMs` naming `what`. */
export function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error(`timed out waiting for ${what}`);
      return value as NonNullable<T>;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** `waitFor` with the condition's description first (the cluster tests' form). */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(condition, timeoutMs, what);
}
