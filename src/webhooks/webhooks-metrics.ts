/**
 * The webhooks' metrics on the shared registry (served by GET /metrics): attempts
 * sent and failed, deliveries given up, request latency, and the retry queue depth,
 * each by endpoint URL. The queue depth is read from the store when scraped, so it is
 * the cluster's queue (every node reports the same figure).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../monitoring/metrics.js';
import { endpointLabel } from './endpoints.js';
import type { OutboxRepo } from './outbox-repo.js';

export interface WebhookMetrics {
  readonly sent: Counter<'endpoint'>;
  readonly attemptsFailed: Counter<'endpoint'>;
  readonly failed: Counter<'endpoint'>;
  readonly latency: Histogram<'endpoint'>;
}

export function createWebhookMetrics(metrics: Metrics, repo: OutboxRepo, endpoints: readonly string[]): WebhookMetrics {
  const registers = [metrics.registry];
  new Gauge({
    name: 'switchboard_webhook_queue_depth',
    help: 'Webhook deliveries waiting to be sent (first attempts and retries), by endpoint, cluster-wide',
    labelNames: ['endpoint'],
    registers,
    async collect() {
      const pending = await repo.pendingByEndpoint().catch(() => undefined);
      if (!pending) return;
      for (const url of new Set([...endpoints, ...pending.keys()])) this.set({ endpoint: endpointLabel(url) }, pending.get(url) ?? 0);
    },
  });
  return {
    sent: new Counter({
      name: 'switchboard_webhook_sent_total',
      help: 'Webhook requests answered with a 2xx, by endpoint',
      labelNames: ['endpoint'],
      registers,
    }),
    attemptsFailed: new Counter({
      name: 'switchboard_webhook_attempts_failed_total',
      help: 'Webhook attempts that failed (non-2xx, timeout, connection error) and will be retried or given up, by endpoint',
      labelNames: ['endpoint'],
      registers,
    }),
    failed: new Counter({
      name: 'switchboard_webhook_failed_total',
      help: 'Webhook deliveries given up after the retry window, by endpoint',
      labelNames: ['endpoint'],
      registers,
    }),
    latency: new Histogram({
      name: 'switchboard_webhook_latency_seconds',
      help: 'Webhook request duration, by endpoint',
      labelNames: ['endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
