/**
 * The dashboard's status panel: a list of named status providers. The built-in ones
 * cover the store, the Redis adapter and the Kafka bridge (and any other readiness
 * check a feature added); a feature with a backing service of its own (webhooks,
 * next) adds one with `addStatusProvider(name, provider)`.
 */
import type { SwitchboardContext } from '../core/context.js';
import type { NamedStatus, StatusReport } from './shapes.js';

/**
 * Reports on one part; called once per overview (about once a second while a
 * dashboard is open), so it must be cheap. Throwing counts as `down`.
 * @example
 * sb.addStatusProvider('webhooks', async () => ({ state: 'up', details: { pending: await outbox.pending() } }));
 */
export type StatusProvider = () => StatusReport | Promise<StatusReport>;

/** A provider that takes longer than this is reported `down` (the overview must not stall). */
const PROVIDER_TIMEOUT_MS = 1000;

async function probe(check: () => void | Promise<void>): Promise<StatusReport> {
  await check();
  return { state: 'up' };
}

/** Records of the Kafka bridge by outcome, read from its counter on the shared registry. */
async function kafkaRecords(ctx: SwitchboardContext): Promise<Record<string, number>> {
  const metric = ctx.metrics.registry.getSingleMetric('switchboard_kafka_records_total');
  const out: Record<string, number> = {};
  if (!metric) return out;
  for (const value of (await metric.get()).values) {
    const outcome = String(value.labels.outcome ?? 'records');
    out[outcome] = (out[outcome] ?? 0) + value.value;
  }
  return out;
}

/** The providers every Switchboard has, derived from the context. */
function builtinProviders(ctx: SwitchboardContext): Map<string, StatusProvider> {
  const providers = new Map<string, StatusProvider>();
  const storeKind = ctx.config.database.url.split(':')[0] ?? 'store';
  providers.set('store', async () => ({ ...(await probe(() => ctx.store.ping())), details: { kind: storeKind } }));
  providers.set('redis', async () => {
    const cluster = ctx.cluster;
    if (!cluster) return { state: 'off', summary: 'single node (in-memory adapter); set redis.url to scale out' };
    return { ...(await probe(() => cluster.ping())), details: { nodes: await ctx.io.of('/').adapter.serverCount() } };
  });
  providers.set('kafka', async () => {
    const check = ctx.readinessChecks.get('kafka');
    if (!check) return { state: 'off', summary: 'bridge off (kafka.brokers is not set)' };
    const records = await kafkaRecords(ctx);
    try {
      await check();
      return { state: 'up', details: records };
    } catch (err) {
      return { state: 'down', summary: (err as Error).message || 'not in its consumer group', details: records };
    }
  });
  return providers;
}

/** The registry behind the status panel. */
export class StatusRegistry {
  private readonly added = new Map<string, StatusProvider>();

  constructor(private readonly ctx: SwitchboardContext) {}

  /** Adds (or replaces) a named provider. */
  add(name: string, provider: StatusProvider): void {
    this.added.set(name, provider);
  }

  /**
   * Every provider's report, in order: built-ins, readiness checks no provider
   * covers, then added ones. Read at call time, so features registered after the
   * dashboard are included.
   */
  async collect(): Promise<NamedStatus[]> {
    const providers = builtinProviders(this.ctx);
    for (const [name, check] of this.ctx.readinessChecks) {
      if (!providers.has(name) && !this.added.has(name)) providers.set(name, () => probe(check));
    }
    for (const [name, provider] of this.added) providers.set(name, provider);
    return Promise.all([...providers].map(([name, provider]) => this.run(name, provider)));
  }

  private async run(name: string, provider: StatusProvider): Promise<NamedStatus> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const report = await Promise.race([
        Promise.resolve().then(provider),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PROVIDER_TIMEOUT_MS} ms`)), PROVIDER_TIMEOUT_MS);
        }),
      ]);
      return { name, ...report };
    } catch (err) {
      return { name, state: 'down', summary: (err as Error).message || 'failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
