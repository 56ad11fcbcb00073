/** The Kafka bridge's config slice: `kafka` (off unless `kafka.brokers` is set). */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';
import { TEMPLATE_NAMES } from '../notifications/index.js';

/** Where the Kafka bridge sends a topic's records (PROTOCOL.md, "Kafka bridge"). */
export const KAFKA_ROUTES = ['notify', 'publish', 'broadcast'] as const;

const kafkaTopicSchema = z
  .object({
    route: z.enum(KAFKA_ROUTES).describe('Dispatcher the records go to: notify, publish or broadcast'),
    template: z.enum(TEMPLATE_NAMES).optional().describe('Notification template for records without one (route "notify")'),
  })
  .strict()
  .refine((t) => t.template === undefined || t.route === 'notify', { path: ['template'], message: 'template needs route "notify"' });

/** The contract's default topics (PROTOCOL.md, "Kafka bridge"). */
const DEFAULT_KAFKA_TOPICS = {
  'notification.send': { route: 'notify' as const },
  'document.processed': { route: 'notify' as const, template: 'document:processed' as const },
  'report.ready': { route: 'notify' as const, template: 'report:ready' as const },
};

const kafkaSchema = z
  .object({
    brokers: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ env: 'SWITCHBOARD_KAFKA_BROKERS' })
      .describe('Kafka bootstrap brokers (`host:port`); unset turns the bridge off'),
    clientId: z.string().min(1).default('switchboard').describe('Kafka client id'),
    groupId: z.string().min(1).default('switchboard').describe("Consumer group: the nodes of a deployment share the topics' partitions"),
    topics: z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'Kafka topic names use letters, digits, ., _ and -'), kafkaTopicSchema)
      .default(DEFAULT_KAFKA_TOPICS)
      .describe('Topics consumed and their routes; setting it replaces the defaults'),
    deadLetterTopic: z
      .string()
      .min(1)
      .default('switchboard.dead-letter')
      .describe('Where records that cannot be parsed or routed go, with the reason in headers'),
    fromBeginning: z.boolean().default(false).describe('A new consumer group starts at the oldest record rather than the newest'),
    emitKafkaEvents: z.boolean().default(true).describe('Emit every consumed record as `kafka-event` on `kafka-events`'),
    sessionTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe('Consumer session timeout: a node silent this long loses its partitions'),
    heartbeatIntervalMs: z.number().int().positive().default(3000).describe('Consumer heartbeat interval'),
    retryInitialMs: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe(
        'First back-off when a record meets a transient failure (store down), and between reconnects to the brokers; doubles up to retryMaxMs',
      ),
    retryMaxMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe('Longest back-off between retries of one record, and between reconnects'),
  })
  .strict()
  .refine((k) => !(k.deadLetterTopic in k.topics), {
    path: ['deadLetterTopic'],
    message: 'the dead-letter topic cannot be a consumed topic',
  })
  .prefault({});

export const kafkaConfig = { kafka: kafkaSchema };

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof kafkaConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof kafkaConfig> {}
}

export type KafkaConfig = SliceOutput<typeof kafkaConfig>['kafka'];

/** One consumed topic: the dispatcher it routes to and, for notify, its template. */
export type KafkaTopicConfig = KafkaConfig['topics'][string];

/** The config with brokers set, which is what turns the bridge on. */
export type EnabledKafkaConfig = KafkaConfig & { brokers: string[] };

export function kafkaEnabled(config: KafkaConfig): config is EnabledKafkaConfig {
  return config.brokers !== undefined && config.brokers.length > 0;
}
