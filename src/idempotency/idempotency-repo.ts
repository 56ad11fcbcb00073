/**
 * Idempotency keys in the store (SQLite and PostgreSQL run the same queries). A key is
 * claimed before the request's effect runs: the claim is one insert on the primary key
 * (scope, key), so of two concurrent requests with one key exactly one gets it; the
 * other sees the claim in progress. Effects stored through the group-commit writer
 * mark the claim applied in their own transaction (`markApplied`), so an applied claim
 * is never run again; once the answer is ready it is recorded on the claim and
 * replayed to every repeat until the key expires.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';

export interface IdempotencySettings {
  ttlMs: number;
  pendingTimeoutMs: number;
}

/** What a claim found. */
export type Claim =
  /** This request holds the key: run the effect, then `complete` (or `release` on failure). */
  | { kind: 'claimed'; claimedAt: number }
  /** The key's first request finished: answer what it answered. */
  | { kind: 'done'; status: number; body: string | null }
  /** The key's first request is still running (or its node died less than the pending timeout ago). */
  | { kind: 'pending'; retryAfterMs: number }
  /** The effect committed but its answer was never recorded (the node died in between): never run again. */
  | { kind: 'applied' }
  /** The key was used for a different request. */
  | { kind: 'mismatch' };

/** A claim this process holds. */
export interface HeldClaim {
  scope: string;
  key: string;
  claimedAt: number;
}

export class IdempotencyRepo {
  constructor(
    private readonly store: Store,
    private readonly settings: IdempotencySettings,
  ) {}

  async claim(scope: string, key: string, fingerprint: string, now = Date.now()): Promise<Claim> {
    const { ttlMs, pendingTimeoutMs } = this.settings;
    // Bounded: each round either inserts, finds a live row, or takes a dead one over.
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await this.store.db
        .insertInto('idempotency_keys')
        .values({ scope, key, fingerprint, status: null, body: null, applied_at: null, claimed_at: now, expires_at: now + ttlMs })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('scope')
        .executeTakeFirst();
      if (inserted) return { kind: 'claimed', claimedAt: now };
      const row = await this.store.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) continue;
      const claimedAt = Number(row.claimed_at);
      const expired = Number(row.expires_at) <= now;
      const stale = row.status === null && claimedAt + pendingTimeoutMs <= now;
      if (!expired && row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      // Applied, and its answer still not recorded after the pending timeout: it never will be.
      if (!expired && stale && row.applied_at !== null) return { kind: 'applied' };
      const abandoned = stale && row.applied_at === null;
      if (!expired && !abandoned) {
        if (row.status === null) return { kind: 'pending', retryAfterMs: Math.max(1, claimedAt + pendingTimeoutMs - now) };
        return { kind: 'done', status: Number(row.status), body: row.body };
      }
      // Taken over only if nobody else took it over first (the claim time is the version).
      const taken = await this.store.db
        .updateTable('idempotency_keys')
        .set({ fingerprint, status: null, body: null, applied_at: null, claimed_at: now, expires_at: now + ttlMs })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('claimed_at', '=', claimedAt)
        .returning('scope')
        .executeTakeFirst();
      if (taken) return { kind: 'claimed', claimedAt: now };
    }
    return { kind: 'pending', retryAfterMs: 100 };
  }

  /** Marks a claim applied inside the transaction that commits its effect. */
  async markApplied(trx: Transaction<Database>, claim: HeldClaim, now = Date.now()): Promise<void> {
    await trx
      .updateTable('idempotency_keys')
      .set({ applied_at: now })
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .where('claimed_at', '=', claim.claimedAt)
      .execute();
  }

  /** Records the first request's answer on its claim. */
  async complete(scope: string, key: string, claimedAt: number, status: number, body: string | null): Promise<void> {
    await this.store.db
      .updateTable('idempotency_keys')
      .set({ status, body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('claimed_at', '=', claimedAt)
      .execute();
  }

  /** Gives a claim up (the effect failed and wrote nothing): a repeat runs it again. */
  async release(scope: string, key: string, claimedAt: number): Promise<void> {
    await this.store.db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('claimed_at', '=', claimedAt)
      .where('status', 'is', null)
      .where('applied_at', 'is', null)
      .execute();
  }

  /** Deletes expired keys; returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const result = await this.store.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
