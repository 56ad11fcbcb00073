/**
 * The outbox service (one per node, under the lifecycle): every `webhook.pollIntervalMs`,
 * and soon after this node stored an event, each endpoint's lane (endpoint-lane.ts)
 * claims and sends its due deliveries. It runs once at start, so what fell due while
 * the server was down is sent then. Housekeeping: finished rows older than
 * `webhook.retentionMs` are deleted, and pending rows of endpoints removed from the
 * config are failed. It never touches /ready: a failing endpoint is the receiver's
 * outage, not this server's.
 */
import type { Service } from '../core/lifecycle.js';
import { EndpointLane, type LaneOptions } from './endpoint-lane.js';
import type { WebhookEndpoint } from './endpoints.js';

export interface OutboxServiceOptions extends LaneOptions {
  endpoints: readonly WebhookEndpoint[];
}

/** A kick waits this long, so the transaction that stored the event has committed. */
const KICK_DELAY_MS = 5;
/** How often the housekeeping runs. */
const HOUSEKEEPING_MS = 60_000;

export class OutboxService implements Service {
  readonly name = 'webhook-outbox';
  private readonly lanes: EndpointLane[];
  private timer: NodeJS.Timeout | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly options: OutboxServiceOptions) {
    this.lanes = options.endpoints.map((endpoint) => new EndpointLane(endpoint, options));
  }

  start(): void {
    this.stopped = false;
    void this.housekeeping();
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.settings.pollIntervalMs);
    this.housekeepingTimer = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS);
    this.timer.unref();
    this.housekeepingTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.housekeepingTimer);
    clearTimeout(this.kickTimer);
    await Promise.all(this.lanes.map((lane) => lane.stop()));
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

  /** One pass of every lane; resolves when they are done. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    await Promise.all(this.lanes.map((lane) => lane.tick()));
  }

  private async housekeeping(): Promise<void> {
    const { repo, settings, endpoints, logger } = this.options;
    try {
      await repo.purgeFinished(Date.now() - settings.retentionMs, 1000);
      const orphans = await repo.failOrphans(endpoints.map((endpoint) => endpoint.url));
      if (orphans > 0) logger.warn({ deliveries: orphans }, 'webhook deliveries to endpoints no longer configured marked failed');
    } catch (err) {
      logger.warn({ err }, 'webhook outbox housekeeping failed');
    }
  }
}
