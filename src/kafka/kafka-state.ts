/**
 * The bridge's view of its brokers, for GET /ready and the log (issue 13, "Logs"):
 * one line when the brokers are lost, one when they are back, and in between at
 * most one "still unreachable" line per throttle interval, carrying the number of
 * failed attempts it stands for. A Kafka outage used to write a line per attempt.
 */
import { toIso } from '../core/ids.js';
import type { LogThrottle } from '../core/log-throttle.js';
import type { Logger } from '../core/logger.js';

/** `connecting`: never joined yet; `up`: in the group; `down`: lost, reconnecting. */
export type KafkaBrokerStatus = 'connecting' | 'up' | 'down';

const DOWN_KEY = 'broker-down';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class KafkaBrokerState {
  private current: KafkaBrokerStatus = 'connecting';
  private since = Date.now();
  private reason = 'consumer not connected yet';
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly throttle: LogThrottle,
  ) {}

  get status(): KafkaBrokerStatus {
    return this.current;
  }

  /** Throws the reason unless the consumer is in its group. */
  ready(): void {
    if (this.current === 'up') return;
    if (this.current === 'connecting') throw new Error(this.reason);
    throw new Error(`Kafka unreachable since ${toIso(this.since)} (${this.failures} failed attempts): ${this.reason}`);
  }

  /** The consumer joined its group. */
  up(fields: Record<string, unknown>): void {
    if (this.current === 'up') return;
    const now = Date.now();
    if (this.current === 'down') {
      const suppressed = this.throttle.reset(DOWN_KEY);
      this.logger.info(
        { ...fields, downForMs: now - this.since, failedAttempts: this.failures, suppressed },
        'Kafka reachable again; consuming',
      );
    } else {
      this.logger.info(fields, 'Kafka bridge consuming');
    }
    this.current = 'up';
    this.since = now;
    this.failures = 0;
  }

  /** A session could not be opened, or ended because the brokers were lost. */
  down(error: unknown): void {
    this.failures++;
    this.reason = reasonOf(error);
    if (this.current !== 'down') {
      const lost = this.current === 'up';
      this.current = 'down';
      this.since = Date.now();
      this.throttle.reset(DOWN_KEY);
      this.throttle.take(DOWN_KEY);
      this.logger.warn(
        { reason: this.reason },
        lost ? 'Kafka connection lost; reconnecting in the background' : 'Kafka unreachable; connecting in the background',
      );
      // The full chain once per outage, for whoever turns debug on.
      this.logger.debug({ err: error }, 'Kafka failure');
      return;
    }
    const { log, suppressed } = this.throttle.take(DOWN_KEY);
    if (log) {
      this.logger.warn(
        { reason: this.reason, failedAttempts: this.failures, downForMs: Date.now() - this.since, suppressed },
        'Kafka still unreachable',
      );
    }
  }
}
