/** Kysely table types of the idempotency feature, composed into the store's `Database`. */

/**
 * One Idempotency-Key of one caller. `status` is null while the first request is in
 * progress (the claim); then it holds that request's answer, replayed to repeats.
 */
export interface IdempotencyKeysTable {
  /** Who used the key: an API key's fingerprint, a user, or `kafka`. */
  scope: string;
  key: string;
  /** A hash of the request (method, route, body): a key reused for another request is refused. */
  fingerprint: string;
  status: number | null;
  /** The answer's body (JSON text), or null. */
  body: string | null;
  /**
   * Epoch ms at which the effect committed, written in the effect's own transaction
   * (src/store/write-context.ts); a claim with it is never run again, even when its
   * answer was never recorded.
   */
  applied_at: number | null;
  /** Epoch ms of the claim (a claim older than the pending timeout may be taken over). */
  claimed_at: number;
  /** Epoch ms after which the key is forgotten. */
  expires_at: number;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}

declare module '../store/database.js' {
  interface Database extends IdempotencyTables {}
}
