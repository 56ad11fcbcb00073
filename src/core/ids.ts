/** Sortable server ids (ULID, monotonic within a process) as the contract requires. */
import { randomBytes, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

/**
 * ulidx's default PRNG asks the OS for one byte per character (16 calls per id);
 * that was 7 % of the server's CPU in the chat benchmark (issue 10). Drawing the
 * same bytes from a pooled buffer keeps the randomness and drops the calls.
 */
const pool = Buffer.allocUnsafe(4096);
let poolIndex = pool.length;
function pooledRandom(): number {
  if (poolIndex === pool.length) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  return (pool[poolIndex++] as number) / 0xff;
}

const ulid = monotonicFactory(pooledRandom);

/** A new sortable id, e.g. `01JD3…`. */
export function newId(): string {
  return ulid();
}

/** A random url-safe secret with a readable prefix (`sbs_…` for sessions). */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** Current time as the contract's ISO 8601 UTC string. */
export function isoNow(): string {
  return new Date().toISOString();
}

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
