/**
 * Retention: the per-user cap (`maxPerUser`, oldest dropped) and the age limit
 * (`maxAgeDays`), enforced by a background service in small batches. Delivery never
 * waits for it: each statement deletes at most `batch` rows and the sweep yields to
 * the event loop between statements.
 */
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { yieldToLoop } from './batching.js';
import type { NotificationsRepo } from './notifications-repo.js';
import type { ScheduleRepo } from './schedule-repo.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  maxPerUser: number;
  maxAgeDays: number;
  intervalMs: number;
  /** Rows deleted per statement. @default 500 */
  batch?: number;
  /** Statements per sweep and kind, so one sweep stays short. @default 20 */
  maxSteps?: number;
}

/** What one sweep removed. */
export interface SweepResult {
  expired: number;
  overCap: number;
  firedPurged: number;
}

export class RetentionService implements Service {
  readonly name = 'notification-retention';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly repo: NotificationsRepo,
    private readonly schedule: ScheduleRepo,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.logger.error({ err }, 'notification retention sweep failed'));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One sweep (joins the running one if any). */
  sweep(now = Date.now()): Promise<SweepResult> {
    this.running ??= this.sweepOnce(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(now: number): Promise<SweepResult> {
    const batch = this.options.batch ?? 500;
    const maxSteps = this.options.maxSteps ?? 20;
    const cutoff = now - this.options.maxAgeDays * DAY_MS;
    const result: SweepResult = { expired: 0, overCap: 0, firedPurged: 0 };

    for (let step = 0; step < maxSteps; step++) {
      const n = await this.repo.deleteOlderThan(cutoff, batch);
      result.expired += n;
      await yieldToLoop();
      if (n < batch) break;
    }
    // Fired queue rows are kept as long as notifications, as an audit trail.
    for (let step = 0; step < maxSteps; step++) {
      const n = await this.schedule.purgeFired(cutoff, batch);
      result.firedPurged += n;
      await yieldToLoop();
      if (n < batch) break;
    }
    let steps = 0;
    for (const userId of await this.repo.usersOverCap(this.options.maxPerUser, maxSteps)) {
      while (steps < maxSteps) {
        steps++;
        const n = await this.repo.trimUser(userId, this.options.maxPerUser, batch);
        result.overCap += n;
        await yieldToLoop();
        if (n < batch) break;
      }
    }
    if (result.expired + result.overCap + result.firedPurged > 0) this.logger.debug({ ...result }, 'notification retention sweep');
    return result;
  }
}
