/** Chunking helpers: large batches are split so no single step holds the event loop long. */

/** Recipients per insert statement and per delivery step. 500 rows × 10 columns stays far below SQLite's and PostgreSQL's bound-parameter limits. */
export const CHUNK_SIZE = 500;

/** Splits `items` into arrays of at most `size`. */
export function chunked<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Lets pending I/O (other requests, socket packets, timers) run before the next
 * chunk. setImmediate, not a resolved promise: microtasks would run before I/O.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
