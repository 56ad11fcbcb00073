/**
 * The scheduled-delivery service: every `schedulerIntervalMs` it claims due rows of
 * the durable queue, fires them (stored in the same transaction that marks them
 * fired) and delivers them. It runs once at start, so what fell due while the
 * server was down fires then. The exactly-once argument is in schedule-repo.ts.
 */
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { yieldToLoop } from './batching.js';
import type { Dispatcher } from './dispatcher.js';
import type { ScheduleRepo } from './schedule-repo.js';

export interface SchedulerOptions {
  nodeId: string;
  intervalMs: number;
  /**
   * How long a claim holds before another node may take the row over (a crashed
   * node's claims are retried after it).
   * @default max(30 s, 10 × intervalMs)
   */
  leaseMs?: number;
  /** Rows claimed per step. @default 500 */
  batch?: number;
  /** Steps per tick at most, so one tick never runs unbounded. @default 20 */
  maxStepsPerTick?: number;
}

export class NotificationScheduler implements Service {
  readonly name = 'notification-scheduler';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly maxSteps: number;

  constructor(
    private readonly repo: ScheduleRepo,
    private readonly dispatcher: Dispatcher,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? Math.max(30_000, options.intervalMs * 10);
    this.batch = options.batch ?? 500;
    this.maxSteps = options.maxStepsPerTick ?? 20;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (skipped while the previous one still runs); resolves when it is done. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.runOnce()
      .catch((err) => this.logger.error({ err }, 'notification scheduler tick failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    for (let step = 0; step < this.maxSteps && !this.stopped; step++) {
      const { token, claimed } = await this.repo.claimDue(this.options.nodeId, { limit: this.batch, leaseMs: this.leaseMs });
      if (claimed === 0) return;
      const fired = await this.repo.fireClaimed(token);
      await this.dispatcher.deliver(fired);
      if (claimed < this.batch) return;
      await yieldToLoop();
    }
  }
}
