/**
 * The KafkaClient on @platformatic/kafka (pure JavaScript, maintained; 1.x runs on
 * Node 20.19+). It logs nothing of its own (only through `debug`), so every line
 * about Kafka comes from the bridge, which rate-limits them.
 *
 * Each session gets a new Consumer. A Consumer that lost its broker does not
 * recover cleanly in 1.x: a failed heartbeat is never rescheduled (the heartbeat
 * timer is cleared before its `refresh()`), and a consume() after a failed join
 * skips the join because the topics are still tracked, so the member would fetch
 * on a dead membership. A fresh Consumer per session joins anew every time.
 */
import {
  Consumer,
  compatibilityPartitioner,
  type Message,
  type MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import type { ConsumedRecord, ConsumeOptions, ConsumerSession, KafkaClient, KafkaClientOptions, OutgoingRecord } from './kafka-client.js';

/**
 * Connection and retry timing of every request. Refused connections fail at once;
 * the bounds matter for brokers that do not answer at all. The bridge's own loop
 * retries past these, with back-off.
 */
const NETWORK = { connectTimeout: 3000, timeout: 10_000, retries: 3, retryDelay: 300 } as const;

const noop = () => {};

/**
 * close(force) of a consumer or producer, settled either way: the typings pick the
 * callback overload for `close(true)`, and a close with the broker gone fails.
 */
export function closeForced(client: { close(force: boolean, callback: (error?: Error | null) => void): void }): Promise<void> {
  return new Promise((resolve) => client.close(true, () => resolve()));
}

/**
 * The library's errors nest (`fetch failed 4 times.` over `Cannot connect to any
 * broker.` over `connect ECONNREFUSED …`); the reason an operator needs is the
 * innermost one. `cause` keeps the whole chain.
 */
export class KafkaClientError extends Error {
  constructor(error: unknown) {
    super(summarize(error), { cause: error });
    this.name = 'KafkaClientError';
  }
}

function summarize(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const leaves = new Set<string>();
  const walk = (err: unknown, depth: number): void => {
    if (!(err instanceof Error) || depth > 8) return;
    const children = err instanceof AggregateError ? err.errors : [];
    if (children.length === 0 && err.cause instanceof Error) walk(err.cause, depth + 1);
    else if (children.length === 0) leaves.add(err.message);
    for (const child of children) walk(child, depth + 1);
  };
  walk(error, 0);
  const root = [...leaves].join('; ');
  return root && root !== error.message ? `${error.message} (${root})` : error.message;
}

function toRecord(message: Message): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of message.headers) headers[name.toString('utf8')] = value ?? Buffer.alloc(0);
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    timestamp: Number(message.timestamp),
  };
}

function toMessage(topic: string, record: OutgoingRecord) {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(record.headers))
    headers.set(Buffer.from(name), Buffer.isBuffer(value) ? value : Buffer.from(value));
  return { topic, key: record.key ?? undefined, value: record.value ?? undefined, headers };
}

class PlatformaticSession implements ConsumerSession {
  /** The library's message behind each record handed out, for its commit (which knows the leader epoch). */
  private readonly messages = new WeakMap<ConsumedRecord, Message>();
  /** The last committed offset per partition in this session. */
  private readonly committed = new Map<string, bigint>();
  readonly records: AsyncIterable<ConsumedRecord>;

  constructor(
    private readonly consumer: Consumer,
    private readonly stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
  ) {
    this.records = { [Symbol.asyncIterator]: () => this.iterate() };
  }

  private async *iterate(): AsyncGenerator<ConsumedRecord> {
    try {
      for await (const message of this.stream) {
        // After a rebalance the stream re-reads from the group's commits while
        // records fetched before it are still buffered: records of partitions
        // that went to another member, and second copies of records already done.
        if (!this.assigned(message.topic, message.partition)) continue;
        const done = this.committed.get(`${message.topic}:${message.partition}`);
        if (done !== undefined && message.offset <= done) continue;
        const record = toRecord(message);
        this.messages.set(record, message);
        yield record;
      }
    } catch (err) {
      throw new KafkaClientError(err);
    }
  }

  private assigned(topic: string, partition: number): boolean {
    return this.consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
  }

  async commit(record: ConsumedRecord): Promise<void> {
    const message = this.messages.get(record);
    if (!message) throw new Error(`record ${record.topic}:${record.partition}:${record.offset} is not from this session`);
    try {
      await message.commit();
    } catch (err) {
      throw new KafkaClientError(err);
    }
    this.committed.set(`${record.topic}:${record.partition}`, message.offset);
  }

  owns(record: ConsumedRecord): boolean {
    // A failed stream (broker lost) ends the session: the record is read again
    // from the last commit by the next one, so nothing is gained by retrying it here.
    return !this.stream.destroyed && this.assigned(record.topic, record.partition);
  }

  async close(): Promise<void> {
    await this.stream.close().catch(noop);
    // force: closes the streams, then leaves the group. With the broker gone the
    // leave fails; the group drops the member after its session timeout.
    await closeForced(this.consumer);
  }
}

/** A KafkaClient over @platformatic/kafka for the given brokers and group. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const base = { clientId: options.clientId, bootstrapBrokers: options.brokers, ...NETWORK };
  let producer: Producer | undefined;

  return {
    async consume({ topics, fromBeginning }: ConsumeOptions): Promise<ConsumerSession> {
      const consumer = new Consumer({
        ...base,
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        // As kafkajs did: subscribing creates a missing topic when the broker allows it.
        autocreateTopics: true,
      });
      // A rejoin that fails after its retries is emitted as 'error'; an EventEmitter
      // without a listener would throw it out of a timer and end the process. The
      // stream fails too and the bridge sees it there.
      consumer.on('error', noop);
      try {
        const stream = await consumer.consume({
          topics,
          autocommit: false,
          mode: MessagesStreamModes.COMMITTED,
          fallbackMode: fromBeginning ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
        });
        // Same reason: an error before iteration starts must not be unhandled.
        stream.on('error', noop);
        return new PlatformaticSession(consumer, stream);
      } catch (err) {
        await closeForced(consumer);
        throw new KafkaClientError(err);
      }
    },

    async send(topic, records) {
      producer ??= new Producer({ ...base, partitioner: compatibilityPartitioner, autocreateTopics: true });
      try {
        await producer.send({ messages: records.map((r) => toMessage(topic, r)), acks: ProduceAcks.ALL });
      } catch (err) {
        throw new KafkaClientError(err);
      }
    },

    async close() {
      if (producer) await closeForced(producer);
      producer = undefined;
    },
  };
}
