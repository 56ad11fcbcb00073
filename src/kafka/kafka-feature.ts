/**
 * The Kafka bridge feature (PROTOCOL.md, "Kafka bridge"): when `kafka.brokers` is
 * set, a lifecycle service consumes the configured topics and routes each record
 * through the notify, publish or broadcast dispatcher; GET /ready gains a `kafka`
 * check and /metrics a records counter. Off (nothing registered) otherwise.
 */
import { Counter } from 'prom-client';
import type { ProvidedApi, SwitchboardContext } from '../core/context.js';
import { defineFeature } from '../core/feature.js';
import { KafkaBridge } from './kafka-bridge.js';
import { kafkaConfig, kafkaEnabled } from './kafka-config.js';
import { createKafkaClient } from './platformatic-kafka-client.js';

export const kafkaFeature = defineFeature({
  name: 'kafka',
  config: kafkaConfig,
  setup(ctx) {
    const config = ctx.config.kafka;
    if (!kafkaEnabled(config)) return undefined;

    const records = new Counter({
      name: 'switchboard_kafka_records_total',
      help: 'Kafka records consumed, by topic and outcome (routed, dead-lettered, retried)',
      labelNames: ['topic', 'outcome'],
      registers: [ctx.metrics.registry],
    });
    const bridge = new KafkaBridge({
      config,
      client: createKafkaClient(config),
      logger: ctx.logger.child({ component: 'kafka-bridge' }),
      // The same functions the HTTP server API and the programmatic API call.
      // `once` makes a redelivered record (same topic:partition:offset) repeat nothing.
      dispatchers: () => ({
        notify: ctx.use('notify'),
        publish: ctx.use('publish'),
        broadcast: ctx.use('broadcast'),
        once: optionalOnce(ctx),
      }),
      records,
    });
    return { services: [bridge], readiness: { kafka: () => bridge.ready() } };
  },
});

/** The idempotency feature's `once`, if the host's feature list has it. */
function optionalOnce(ctx: SwitchboardContext): ProvidedApi['once'] | undefined {
  try {
    return ctx.use('once');
  } catch {
    return undefined;
  }
}
