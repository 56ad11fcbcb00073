/**
 * Helpers for the Kafka bridge tests against the real broker (scripts/kafka.sh):
 * unique topic and group names per test, topic creation, a producer, a reader of
 * the dead-letter topic, and a bridge config with small group timeouts. Topics are
 * deleted and clients closed after the test.
 */
import { randomBytes } from 'node:crypto';
import { type IHeaders, Kafka, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import { onCleanup } from './cleanup.js';
import { KAFKA_BROKERS } from './services.js';

/** Group joins take seconds on a loaded machine: waits on Kafka-driven events use this. */
export const KAFKA_WAIT_MS = 45_000;

type KafkaInput = NonNullable<SwitchboardConfigInput['kafka']>;
type KafkaTopicsInput = NonNullable<KafkaInput['topics']>;

export interface ReadRecord {
  value: string | null;
  headers: Record<string, string>;
}

export interface KafkaTestKit {
  /** A random suffix shared by this test's names. */
  readonly id: string;
  /** A topic name unique to this test (`sbtest.<name>.<id>`). */
  topic(name: string): string;
  /** Creates topics (one partition each) and waits until they exist; deleted after the test. */
  createTopics(...topics: string[]): Promise<void>;
  /** Creates shared topics (the default ones) when missing; kept after the test. */
  ensureTopics(...topics: string[]): Promise<void>;
  /** Produces records; objects are sent as JSON, strings as they are. */
  produce(topic: string, ...values: Array<string | object>): Promise<void>;
  /** Reads the first `count` records of a topic from the beginning (bounded wait). */
  read(topic: string, count: number): Promise<ReadRecord[]>;
  /** A bridge config over `topics`, with this test's group and dead-letter topic and test-sized timeouts. */
  config(topics?: KafkaTopicsInput, extra?: Partial<KafkaInput>): KafkaInput;
  /** This test's dead-letter topic (created by `config`'s callers with createTopics). */
  readonly deadLetterTopic: string;
  /** This test's consumer group (the bridge's, in `config`). */
  readonly groupId: string;
  /** The group's committed offset on partition 0 of `topic` ('-1' when none). */
  committedOffset(topic: string): Promise<string>;
  /** The offset the next record of partition 0 of `topic` will get (how many it holds). */
  endOffset(topic: string): Promise<string>;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[key] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

export function kafkaTestKit(): KafkaTestKit {
  const id = randomBytes(5).toString('hex');
  const kafka = new Kafka({ clientId: `sbtest-${id}`, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const created: string[] = [];
  let connected: Promise<void> | undefined;
  const connect = () => {
    connected ??= Promise.all([admin.connect(), producer.connect()]).then(() => undefined);
    return connected;
  };
  onCleanup(async () => {
    if (!connected) return;
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => {});
    await producer.disconnect();
    await admin.disconnect();
  });
  const deadLetterTopic = `sbtest.dead-letter.${id}`;
  const groupId = `sbtest-group-${id}`;

  return {
    id,
    deadLetterTopic,
    groupId,
    async committedOffset(topic) {
      await connect();
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return entry?.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
    },
    async endOffset(topic) {
      await connect();
      return (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)?.high ?? '0';
    },
    topic: (name) => `sbtest.${name}.${id}`,
    async createTopics(...topics) {
      await connect();
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
        waitForLeaders: true,
      });
      created.push(...topics);
    },
    async ensureTopics(...topics) {
      await connect();
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    },
    async produce(topic, ...values) {
      await connect();
      await producer.send({ topic, messages: values.map((v) => ({ value: typeof v === 'string' ? v : JSON.stringify(v) })) });
    },
    async read(topic, count) {
      const consumer = kafka.consumer({
        groupId: `sbtest-reader-${id}-${randomBytes(3).toString('hex')}`,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
      });
      const records: ReadRecord[] = [];
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`timed out reading ${count} records from ${topic} (got ${records.length})`)),
            KAFKA_WAIT_MS,
          );
          void consumer
            .run({
              eachMessage: async ({ message }: { message: KafkaMessage }) => {
                records.push({ value: message.value?.toString('utf8') ?? null, headers: headerText(message.headers) });
                if (records.length >= count) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return records.slice(0, count);
    },
    config(topics, extra) {
      return {
        brokers: KAFKA_BROKERS,
        clientId: `sbtest-${id}`,
        groupId,
        ...(topics ? { topics } : {}),
        deadLetterTopic,
        // Unique topics per test: reading them from the start loses nothing to the group join.
        fromBeginning: true,
        // The broker's smallest allowed session (group.min.session.timeout.ms) keeps rejoins quick.
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 500,
        retryInitialMs: 100,
        retryMaxMs: 1000,
        ...extra,
      };
    },
  };
}
