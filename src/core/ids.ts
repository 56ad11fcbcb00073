/** Sortable server ids (ULID, monotonic within a process) as the contract requires. */
import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

const ulid = monotonicFactory();

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
