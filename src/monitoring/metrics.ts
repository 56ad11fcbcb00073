/**
 * Prometheus metrics (prom-client) on a registry of this instance's own, so two
 * Switchboards in one process (tests, embedding) do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly connections: Gauge;
  readonly eventsIn: Counter<'event'>;
  readonly eventsOut: Counter<'event'>;
  readonly errors: Counter<'code'>;
  readonly handshakeFailures: Counter<'code'>;
  readonly eventLatency: Histogram<'event'>;
  /** Events in per second over the last minute (for /api/stats). */
  eventsPerSecond(): number;
  /** Errors by code since start (for /api/stats). */
  errorsByCode(): Promise<Record<string, number>>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });

  const connections = new Gauge({
    name: 'switchboard_connections',
    help: 'Open Socket.IO connections on this node',
    registers: [registry],
  });
  const eventsIn = new Counter({
    name: 'switchboard_events_in_total',
    help: 'Client events received, by name',
    labelNames: ['event'],
    registers: [registry],
  });
  const eventsOut = new Counter({
    name: 'switchboard_events_out_total',
    help: 'Server emits (one per emit call, not per recipient), by name',
    labelNames: ['event'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'switchboard_errors_total',
    help: 'Errors answered to clients, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const handshakeFailures = new Counter({
    name: 'switchboard_handshake_failures_total',
    help: 'Refused handshakes, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const eventLatency = new Histogram({
    name: 'switchboard_event_duration_seconds',
    help: 'Time to handle a client event, by name',
    labelNames: ['event'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  // A ring of per-second counts: cheap to update on the hot path, exact enough for a dashboard.
  const WINDOW = 60;
  const buckets = new Array<number>(WINDOW).fill(0);
  let bucketSecond = Math.floor(Date.now() / 1000);
  const advance = () => {
    const now = Math.floor(Date.now() / 1000);
    const steps = Math.min(now - bucketSecond, WINDOW);
    for (let i = 1; i <= steps; i++) buckets[(bucketSecond + i) % WINDOW] = 0;
    if (now > bucketSecond) bucketSecond = now;
  };
  const originalInc = eventsIn.inc.bind(eventsIn);
  eventsIn.inc = ((...args: Parameters<typeof eventsIn.inc>) => {
    advance();
    buckets[bucketSecond % WINDOW] = (buckets[bucketSecond % WINDOW] ?? 0) + 1;
    originalInc(...args);
  }) as typeof eventsIn.inc;
  const startedAt = Date.now();

  return {
    registry,
    connections,
    eventsIn,
    eventsOut,
    errors,
    handshakeFailures,
    eventLatency,
    eventsPerSecond() {
      advance();
      const span = Math.min(WINDOW, Math.max(1, Math.ceil((Date.now() - startedAt) / 1000)));
      let sum = 0;
      for (const n of buckets) sum += n;
      return Math.round((sum / span) * 100) / 100;
    },
    async errorsByCode() {
      const out: Record<string, number> = {};
      for (const value of (await errors.get()).values) out[String(value.labels.code)] = value.value;
      return out;
    },
  };
}
