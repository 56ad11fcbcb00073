/**
 * Caps on open connections (per user, per client IP), behind an interface with a
 * memory implementation for one node and a Redis one for a cluster
 * (redis-connection-caps.ts), like the rate limiters (src/rate-limit/).
 */

/** One counter a connection takes a place in: `kind` ('user' | 'ip') and its key, with the cap. */
export interface CapClaim {
  kind: string;
  key: string;
  limit: number;
}

export interface ConnectionCaps {
  /**
   * Takes one place in every claim, all or none: resolves with the claim that is full
   * (nothing taken), or undefined when every place was taken.
   */
  acquire(claims: readonly CapClaim[]): Promise<CapClaim | undefined>;
  /** Gives the places back (once per successful acquire). */
  release(claims: readonly CapClaim[]): Promise<void>;
  /** Current count of one counter (tests, the measurement script). */
  count(kind: string, key: string): Promise<number>;
}

/** Counts of this node's own connections, by `kind:key`; also the Redis caps' local mirror. */
export class LocalCounts {
  private readonly counts = new Map<string, number>();

  static id(kind: string, key: string): string {
    return `${kind}:${key}`;
  }

  get(kind: string, key: string): number {
    return this.counts.get(LocalCounts.id(kind, key)) ?? 0;
  }

  add(claims: readonly CapClaim[], delta: 1 | -1): void {
    for (const { kind, key } of claims) {
      const id = LocalCounts.id(kind, key);
      const next = (this.counts.get(id) ?? 0) + delta;
      if (next > 0) this.counts.set(id, next);
      else this.counts.delete(id);
    }
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}

export function createMemoryConnectionCaps(): ConnectionCaps {
  const counts = new LocalCounts();
  return {
    async acquire(claims) {
      const full = claims.find((claim) => counts.get(claim.kind, claim.key) >= claim.limit);
      if (!full) counts.add(claims, 1);
      return full;
    },
    async release(claims) {
      counts.add(claims, -1);
    },
    async count(kind, key) {
      return counts.get(kind, key);
    },
  };
}
