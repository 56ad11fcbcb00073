/**
 * The loss/duplicate/order checker for delivery guarantees (STYLE.md #11): records
 * what a subscriber was handed and compares it with what was published.
 */

export interface StreamReport {
  /** Publications handed over. */
  received: number;
  /** Published offsets never handed over. */
  lost: number[];
  /** Offsets handed over more than once. */
  duplicated: number[];
  /** Positions where an offset came after a larger one. */
  outOfOrder: number;
  /** Offsets handed over that were never published (after the start). */
  unexpected: number[];
}

export class StreamChecker {
  readonly offsets: number[] = [];

  /** Use as (part of) an `onPublication` handler. */
  record(offset: number): void {
    this.offsets.push(offset);
  }

  /** Compares with the offsets published after the subscriber's starting point. */
  check(published: Iterable<number>): StreamReport {
    const expected = new Set(published);
    const seen = new Map<number, number>();
    let outOfOrder = 0;
    this.offsets.forEach((offset, i) => {
      seen.set(offset, (seen.get(offset) ?? 0) + 1);
      if (i > 0 && offset <= (this.offsets[i - 1] as number)) outOfOrder++;
    });
    return {
      received: this.offsets.length,
      lost: [...expected].filter((offset) => !seen.has(offset)),
      duplicated: [...seen].filter(([, n]) => n > 1).map(([offset]) => offset),
      outOfOrder,
      unexpected: [...seen.keys()].filter((offset) => !expected.has(offset)),
    };
  }

  /** True once every published offset arrived. */
  complete(published: Iterable<number>): boolean {
    const seen = new Set(this.offsets);
    for (const offset of published) if (!seen.has(offset)) return false;
    return true;
  }
}

/** The report of a perfect stream of `count` publications. */
export function perfect(count: number): StreamReport {
  return { received: count, lost: [], duplicated: [], outOfOrder: 0, unexpected: [] };
}
