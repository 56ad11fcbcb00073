/**
 * The outbox service (one per node, under the lifecycle): every `webhook.pollIntervalMs`,
 * and soon after this node stored an event, it claims due deliveries (leased, so each
 * attempt is made by one node: outbox-repo.ts), sends them `concurrency` at a time,
 * and writes each chunk's outcome: succeeded, pending with its next attempt
 * (retry-schedule.ts), or failed once the retry window is over. It runs once at
 * start, so what was due while the server was down is sent then. It never touches
 * /ready: a failing endpoint is the receiver's outage, not this server's.
 */
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { WebhookEndpoint } from './endpoints.js';
import type { AttemptResult, DeliveryRow, OutboxRepo } from './outbox-repo.js';
import { nextAttemptAt } from './retry-schedule.js';
import type { WebhookSender } from './sender.js';
import type { WebhookSettings } from './webhooks-config.js';
import type { WebhookMetrics } from './webhooks-metrics.js';

export interface OutboxServiceOptions {
  repo: OutboxRepo;
  sender: WebhookSender;
  endpoints: readonly WebhookEndpoint[];
  settings: WebhookSettings;
  metrics: WebhookMetrics;
  logger: Logger;
  nodeId: string;
}

/** Steps per tick at most, so one tick never runs unbounded. */
const MAX_STEPS_PER_TICK = 50;
/** Finished rows are purged every this many ticks. */
const PURGE_EVERY_TICKS = 60;
/** A kick waits this long, so the transaction that stored the event has committed. */
const KICK_DELAY_MS = 5;

export class OutboxService implements Service {
  readonly name = 'webhook-outbox';
  private timer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private ticks = 0;
  private readonly byUrl: Map<string, WebhookEndpoint>;

  constructor(private readonly options: OutboxServiceOptions) {
    this.byUrl = new Map(options.endpoints.map((endpoint) => [endpoint.url, endpoint]));
  }

  start(): void {
    this.stopped = false;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.settings.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.kickTimer);
    await this.running;
  }

  /** An event was stored on this node: send it soon rather than at the next poll. */
  kick(): void {
    if (this.stopped || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      void this.tick();
    }, KICK_DELAY_MS);
    this.kickTimer.unref();
  }

  /** One pass (a pass asked for meanwhile runs right after); resolves when it is done. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce()
      .catch((err) => this.options.logger.error({ err }, 'webhook outbox tick failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.tick();
        }
      });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    const { repo, settings, nodeId } = this.options;
    if (++this.ticks % PURGE_EVERY_TICKS === 1) await repo.purgeFinished(Date.now() - settings.retentionMs, 1000);
    for (let step = 0; step < MAX_STEPS_PER_TICK && !this.stopped; step++) {
      const { token, rows } = await repo.claimDue(nodeId, { limit: settings.batchSize, leaseMs: settings.leaseMs });
      await this.sendAll(token, rows);
      if (rows.length < settings.batchSize) return;
    }
  }

  /**
   * Sends the claimed rows with `concurrency` requests in flight (a slow endpoint holds
   * one slot, not a whole chunk) and writes their outcomes in groups, one write at a
   * time, while the next requests are out.
   */
  private async sendAll(token: string, rows: readonly DeliveryRow[]): Promise<void> {
    const { repo, settings } = this.options;
    const done: Array<{ id: string; result: AttemptResult }> = [];
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown;
    const flush = () => {
      const group = done.splice(0);
      if (group.length === 0) return;
      // Caught at once (a rejection must not sit unhandled while the lanes run), rethrown below.
      writing = writing
        .then(() => (failure === undefined ? repo.finish(token, group) : undefined))
        .catch((err) => {
          failure ??= err;
        });
    };
    let next = 0;
    const lane = async () => {
      while (next < rows.length && !this.stopped) {
        done.push(await this.attempt(rows[next++] as DeliveryRow));
        if (done.length >= settings.concurrency) flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, rows.length) }, lane));
    flush();
    await writing;
    // Unwritten outcomes are not lost: the rows stay claimed until the lease ends, then are sent again.
    if (failure !== undefined) throw failure;
  }

  private async attempt(row: DeliveryRow): Promise<{ id: string; result: AttemptResult }> {
    const { metrics, settings, sender } = this.options;
    const endpoint = this.byUrl.get(row.endpoint);
    if (!endpoint) {
      // The endpoint was removed from the config since the event was stored.
      return { id: row.id, result: { ok: false, status: null, error: 'endpoint no longer configured', nextAttemptAt: null } };
    }
    const labels = { endpoint: endpoint.url };
    const stopTimer = metrics.latency.startTimer(labels);
    const sent = await sender.send(endpoint, row.event_id, row.payload);
    stopTimer();
    if (sent.ok) {
      metrics.sent.inc(labels);
      return { id: row.id, result: sent };
    }
    metrics.attemptsFailed.inc(labels);
    const next = nextAttemptAt(settings.retry, row.attempts + 1, Number(row.created_at), Date.now());
    if (next === null) {
      metrics.failed.inc(labels);
      this.options.logger.warn({ endpoint: endpoint.url, webhookId: row.event_id, error: sent.error }, 'webhook delivery failed for good');
    }
    return { id: row.id, result: { ...sent, nextAttemptAt: next } };
  }
}
