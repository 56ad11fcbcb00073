/**
 * The deliveries of one endpoint on this node: claim due rows of that endpoint (leased,
 * outbox-repo.ts), send them with `webhook.concurrency` requests in flight, write the
 * outcomes in groups while the next requests are out, and repeat while a full batch
 * came back. One lane per endpoint, so an endpoint that times out holds its own lane
 * only: the others go on at their own pace.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../core/logger.js';
import { endpointLabel, type WebhookEndpoint } from './endpoints.js';
import type { AttemptResult, DeliveryRow, OutboxRepo } from './outbox-repo.js';
import { nextAttemptAt } from './retry-schedule.js';
import type { WebhookSender } from './sender.js';
import type { WebhookSettings } from './webhooks-config.js';
import type { WebhookMetrics } from './webhooks-metrics.js';

export interface LaneOptions {
  repo: OutboxRepo;
  sender: WebhookSender;
  settings: WebhookSettings;
  metrics: WebhookMetrics;
  logger: Logger;
  nodeId: string;
}

/** Claim steps per pass at most, so one pass never runs unbounded. */
const MAX_STEPS_PER_PASS = 50;

type Outcome = { id: string; result: AttemptResult };

export class EndpointLane {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Aborts the requests in flight at shutdown (a receiver that never answers must not hold it up). */
  private readonly abort = new AbortController();
  private readonly labels: { endpoint: string };

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly options: LaneOptions,
  ) {
    this.labels = { endpoint: endpointLabel(endpoint.url) };
    // Every request in flight listens to it (webhook.concurrency of them).
    setMaxListeners(0, this.abort.signal);
  }

  /** One pass (a pass asked for meanwhile runs right after); resolves when it is done. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err) => this.options.logger.error({ err, endpoint: this.labels.endpoint }, 'webhook delivery pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.tick();
        }
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
  }

  private async pass(): Promise<void> {
    const { repo, settings, nodeId } = this.options;
    for (let step = 0; step < MAX_STEPS_PER_PASS && !this.stopped; step++) {
      const { token, rows } = await repo.claimDue(nodeId, {
        endpoint: this.endpoint.url,
        limit: settings.batchSize,
        leaseMs: settings.leaseMs,
      });
      await this.sendAll(token, rows);
      if (rows.length < settings.batchSize) return;
    }
  }

  private async sendAll(token: string, rows: readonly DeliveryRow[]): Promise<void> {
    const { repo, settings } = this.options;
    const done: Outcome[] = [];
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown;
    const flush = () => {
      const group = done.splice(0);
      if (group.length === 0) return;
      // Caught at once (a rejection must not sit unhandled while the requests run), rethrown below.
      writing = writing
        .then(() => (failure === undefined ? repo.finish(token, group) : undefined))
        .catch((err) => {
          failure ??= err;
        });
    };
    let next = 0;
    const worker = async () => {
      while (next < rows.length && !this.stopped) {
        const outcome = await this.attempt(rows[next++] as DeliveryRow);
        if (!outcome) break;
        done.push(outcome);
        if (done.length >= settings.concurrency) flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, rows.length) }, worker));
    flush();
    await writing;
    // Stopped midway: what was not sent (or was cut off) is released for the next start or another node.
    if (this.stopped && failure === undefined) await repo.release(token);
    // Unwritten outcomes are not lost: the rows stay claimed until the lease ends, then are sent again.
    if (failure !== undefined) throw failure;
  }

  /** One attempt and its outcome; undefined when shutdown cut it off (nothing is recorded then). */
  private async attempt(row: DeliveryRow): Promise<Outcome | undefined> {
    const { metrics, settings, sender, logger } = this.options;
    const stopTimer = metrics.latency.startTimer(this.labels);
    const sent = await sender.send(this.endpoint, row.event_id, row.payload, this.abort.signal);
    if (this.abort.signal.aborted) return undefined;
    stopTimer();
    if (sent.ok) {
      metrics.sent.inc(this.labels);
      return { id: row.id, result: sent };
    }
    metrics.attemptsFailed.inc(this.labels);
    const next = nextAttemptAt(settings.retry, row.attempts + 1, Number(row.created_at), Date.now());
    if (next === null) {
      metrics.failed.inc(this.labels);
      logger.warn({ endpoint: this.labels.endpoint, webhookId: row.event_id, error: sent.error }, 'webhook delivery failed for good');
    }
    return { id: row.id, result: { ...sent, nextAttemptAt: next } };
  }
}
