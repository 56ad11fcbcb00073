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
  /** Events in per second over the last `windowSeconds` (1–60; @default 60, as /api/stats shows). */
  eventsPerSecond(windowSeconds?: number): number;
  /** Server emits per second (one per emit call, as `eventsOut` counts) over the last `windowSeconds`; @default 60 */
  eventsOutPerSecond(windowSeconds?: number): number;
  /** Errors by code since start (for /api/stats). */
  errorsByCode(): Promise<Record<string, number>>;
  /** Refused handshakes by code since start (for the dashboard). */
  handshakeFailuresByCode(): Promise<Record<string, number>>;
}

/**
 * Counts per second over the last minute in a ring of per-second buckets: cheap to
 * update on the hot path, exact enough for a dashboard.
 */
function createRateWindow(startedAt: number): { hit(): void; perSecond(windowSeconds?: number): number } {
  const WINDOW = 60;
  const buckets = new Array<number>(WINDOW).fill(0);
  let bucketSecond = Math.floor(Date.now() / 1000);
  const advance = () => {
    const now = Math.floor(Date.now() / 1000);
    const steps = Math.min(now - bucketSecond, WINDOW);
    for (let i = 1; i <= steps; i++) buckets[(bucketSecond + i) % WINDOW] = 0;
    if (now > bucketSecond) bucketSecond = now;
  };
  return {
    hit() {
      advance();
      buckets[bucketSecond % WINDOW] = (buckets[bucketSecond % WINDOW] ?? 0) + 1;
    },
    perSecond(windowSeconds = WINDOW) {
      advance();
      const window = Math.min(WINDOW, Math.max(1, Math.floor(windowSeconds)));
      const span = Math.min(window, Math.max(1, Math.ceil((Date.now() - startedAt) / 1000)));
      let sum = 0;
      // The current (partial) second and the `window - 1` before it.
      for (let i = 0; i < window; i++) sum += buckets[(bucketSecond - i + WINDOW) % WINDOW] ?? 0;
      return Math.round((sum / span) * 100) / 100;
    },
  };
}

/** Wraps a counter's `inc` so every call also lands in a rate window. */
function countRate<L extends string>(counter: Counter<L>, window: { hit(): void }): void {
  const originalInc = counter.inc.bind(counter);
  counter.inc = ((...args: Parameters<typeof counter.inc>) => {
    window.hit();
    originalInc(...args);
  }) as typeof counter.inc;
}

async function countsByLabel<L extends string>(counter: Counter<L>, label: L): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const value of (await counter.get()).values) out[String(value.labels[label])] = value.value;
  return out;
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

  const startedAt = Date.now();
  const inRate = createRateWindow(startedAt);
  const outRate = createRateWindow(startedAt);
  countRate(eventsIn, inRate);
  countRate(eventsOut, outRate);

  return {
    registry,
    connections,
    eventsIn,
    eventsOut,
    errors,
    handshakeFailures,
    eventLatency,
    eventsPerSecond: (windowSeconds) => inRate.perSecond(windowSeconds),
    eventsOutPerSecond: (windowSeconds) => outRate.perSecond(windowSeconds),
    errorsByCode: () => countsByLabel(errors, 'code'),
    handshakeFailuresByCode: () => countsByLabel(handshakeFailures, 'code'),
  };
}
