/**
 * Rate limits for repeated log lines (issue 13, "Logs"): an outage makes the same
 * failure happen every few hundred milliseconds, and one line each drowns the log.
 * The first occurrence of a key is logged; later ones within `intervalMs` are only
 * counted, and the next line that is logged carries that count as `suppressed`.
 */

/** The verdict for one occurrence of a repeated event. */
export interface ThrottleVerdict {
  /** Log this occurrence. */
  log: boolean;
  /** Occurrences not logged since the last one that was (0 for the first). */
  suppressed: number;
}

export interface LogThrottleOptions {
  /** Shortest time between two logged lines of one key. @default 60000 */
  intervalMs?: number;
  /** The clock, replaceable in tests. @default Date.now */
  now?: () => number;
  /**
   * Most keys remembered; past it the oldest is forgotten (keys can be client addresses,
   * which an attacker can vary). @default 10000
   */
  maxKeys?: number;
}

/**
 * One throttle per component, keyed by the kind of line.
 *
 * @example
 * const throttle = new LogThrottle({ intervalMs: 60_000 });
 * const { log, suppressed } = throttle.take('reconnect');
 * if (log) logger.warn({ suppressed, err }, 'still cannot reach Kafka');
 */
export class LogThrottle {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly keys = new Map<string, { lastLoggedAt: number; suppressed: number }>();

  constructor(options: LogThrottleOptions = {}) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Counts one occurrence of `key` and says whether to log it. */
  take(key: string): ThrottleVerdict {
    const now = this.now();
    const entry = this.keys.get(key);
    if (entry && now - entry.lastLoggedAt < this.intervalMs) {
      entry.suppressed++;
      return { log: false, suppressed: entry.suppressed };
    }
    const suppressed = entry?.suppressed ?? 0;
    this.keys.delete(key);
    if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(key, { lastLoggedAt: now, suppressed: 0 });
    return { log: true, suppressed };
  }

  /** Forgets `key` (its series ended, e.g. the service is back); returns the occurrences never logged. */
  reset(key: string): number {
    const suppressed = this.keys.get(key)?.suppressed ?? 0;
    this.keys.delete(key);
    return suppressed;
  }
}
