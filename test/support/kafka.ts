/**
 * Helpers for the Kafka bridge tests against the real broker (scripts/kafka.sh):
 * unique topic and group names per test, topic creation, a producer, a reader of
 * the dead-letter topic, and a bridge config with small group timeouts. Topics are
 * deleted and clients closed after the test.
 */
import { randomBytes } from 'node:crypto';
import { Admin, Consumer, MessagesStreamFallbackModes, MessagesStreamModes, ProduceAcks, Producer } from '@platformatic/kafka';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import { closeForced } from '../../src/kafka/platformatic-kafka-client.js';
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
  /** Creates topics (one partition each, unless given) and waits until they have leaders; deleted after the test. */
  createTopics(...topics: Array<string | { topic: string; partitions: number }>): Promise<void>;
  /** Creates shared topics (the default ones) when missing; kept after the test. */
  ensureTopics(...topics: string[]): Promise<void>;
  /** Produces records; objects are sent as JSON, strings as they are. */
  produce(topic: string, ...values: Array<string | object>): Promise<void>;
  /** Produces records round-robin over partitions 0 … partitions-1 (record i to i % partitions). */
  produceAcross(topic: string, partitions: number, values: Array<string | object>): Promise<void>;
  /** Reads the first `count` records of a topic from the beginning (bounded wait). */
  read(topic: string, count: number): Promise<ReadRecord[]>;
  /** A bridge config over `topics`, with this test's group and dead-letter topic and test-sized timeouts. */
  config(topics?: KafkaTopicsInput, extra?: Partial<KafkaInput>): KafkaInput;
  /** This test's dead-letter topic (created by `config`'s callers with createTopics). */
  readonly deadLetterTopic: string;
  /** This test's consumer group (the bridge's, in `config`). */
  readonly groupId: string;
  /** The group's committed offset on a partition (default 0) of `topic` ('-1' when none). */
  committedOffset(topic: string, partition?: number): Promise<string>;
  /** The offset the next record of partition 0 of `topic` will get (how many it holds). */
  endOffset(topic: string): Promise<string>;
}

export interface KafkaTestKitOptions {
  /** @default KAFKA_BROKERS (the shared broker) */
  brokers?: string[];
}

function headerText(headers: Map<Buffer, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of headers) out[key.toString('utf8')] = value?.toString('utf8') ?? '';
  return out;
}

/** True when `error` (or one it aggregates) is the broker's TOPIC_ALREADY_EXISTS. */
function alreadyExists(error: unknown): boolean {
  const found = (error as { findBy?: (key: string, value: unknown) => unknown }).findBy?.('apiId', 'TOPIC_ALREADY_EXISTS');
  return Boolean(found);
}

export function kafkaTestKit(options: KafkaTestKitOptions = {}): KafkaTestKit {
  const id = randomBytes(5).toString('hex');
  const bootstrapBrokers = options.brokers ?? KAFKA_BROKERS;
  const base = { clientId: `sbtest-${id}`, bootstrapBrokers, retryDelay: 300 };
  const admin = new Admin(base);
  const producer = new Producer(base);
  const created: string[] = [];
  onCleanup(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => {});
    await producer.close();
    await admin.close();
  });
  const deadLetterTopic = `sbtest.dead-letter.${id}`;
  const groupId = `sbtest-group-${id}`;

  /** Topic creation returns before the partitions have leaders; producing needs them. */
  async function waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + KAFKA_WAIT_MS;
    for (;;) {
      const metadata = await admin.metadata({ topics, forceUpdate: true }).catch(() => undefined);
      const led = metadata && topics.every((t) => metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0));
      if (led) return;
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${KAFKA_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function create(topics: Array<string | { topic: string; partitions: number }>, tolerateExisting: boolean): Promise<string[]> {
    const names: string[] = [];
    for (const entry of topics) {
      const { topic, partitions } = typeof entry === 'string' ? { topic: entry, partitions: 1 } : entry;
      names.push(topic);
      try {
        await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
      } catch (err) {
        if (!(tolerateExisting && alreadyExists(err))) throw err;
      }
    }
    await waitForLeaders(names);
    return names;
  }

  const encode = (v: string | object) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

  return {
    id,
    deadLetterTopic,
    groupId,
    async committedOffset(topic, partition = 0) {
      const [group] = await admin.listConsumerGroupOffsets({
        groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [partition] }] }],
      });
      const offset = group?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset;
      return (offset ?? -1n).toString();
    },
    async endOffset(topic) {
      const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
      return (listed?.partitions.find((p) => p.partitionIndex === 0)?.offset ?? 0n).toString();
    },
    topic: (name) => `sbtest.${name}.${id}`,
    async createTopics(...topics) {
      created.push(...(await create(topics, false)));
    },
    async ensureTopics(...topics) {
      await create(topics, true);
    },
    async produce(topic, ...values) {
      await producer.send({
        messages: values.map((v) => ({ topic, value: encode(v) })),
        acks: ProduceAcks.ALL,
      });
    },
    async produceAcross(topic, partitions, values) {
      await producer.send({
        messages: values.map((v, i) => ({ topic, partition: i % partitions, value: encode(v) })),
        acks: ProduceAcks.ALL,
      });
    },
    async read(topic, count) {
      const consumer = new Consumer({ ...base, groupId: `sbtest-reader-${id}-${randomBytes(3).toString('hex')}` });
      const records: ReadRecord[] = [];
      try {
        const stream = await consumer.consume({
          topics: [topic],
          autocommit: false,
          mode: MessagesStreamModes.EARLIEST,
          fallbackMode: MessagesStreamFallbackModes.EARLIEST,
          sessionTimeout: 6000,
          heartbeatInterval: 500,
        });
        const timer = setTimeout(() => {
          stream.destroy(new Error(`timed out reading ${count} records from ${topic} (got ${records.length})`));
        }, KAFKA_WAIT_MS);
        try {
          for await (const message of stream) {
            records.push({ value: message.value?.toString('utf8') ?? null, headers: headerText(message.headers) });
            if (records.length >= count) break;
          }
        } finally {
          clearTimeout(timer);
        }
      } finally {
        await closeForced(consumer);
      }
      return records.slice(0, count);
    },
    config(topics, extra) {
      return {
        brokers: bootstrapBrokers,
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
