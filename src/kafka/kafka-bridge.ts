/**
 * The Kafka bridge service (STYLE.md #6): a consumer group over the configured
 * topics, each record routed through the one notify/publish/broadcast dispatcher,
 * under the lifecycle's start()/stop().
 *
 * Offsets: auto-commit is off. A record's offset (+1) is committed only after its
 * dispatcher resolved, i.e. after its effect is stored, or after it went to the
 * dead-letter topic. A transient failure (store down) is retried with back-off in
 * place, never committed and never dead-lettered, so a crash or a stop mid-retry
 * leaves the record for the group's next member: at-least-once delivery.
 */
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Counter } from 'prom-client';
import { toIso } from '../core/ids.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { KafkaEventPayload } from '../protocol/events.js';
import { deadLetterMessage, type RecordSource } from './dead-letter.js';
import type { EnabledKafkaConfig } from './kafka-config.js';
import {
  decodeValue,
  failureReason,
  isPermanentFailure,
  type RouteDispatchers,
  routeRecord,
  UnroutableRecordError,
} from './record-router.js';

/** What happened to a consumed record (the `outcome` label of the records metric). */
export type RecordOutcome = 'routed' | 'dead-lettered' | 'retried';

export interface KafkaBridgeOptions {
  config: EnabledKafkaConfig;
  kafka: Kafka;
  logger: Logger;
  /** Resolved at start(), so features registered after this one may still provide them. */
  dispatchers: () => RouteDispatchers;
  records: Counter<'topic' | 'outcome'>;
}

/** Thrown out of eachMessage while stopping, so kafkajs neither advances nor commits past the record. */
class StoppingError extends Error {
  constructor() {
    super('Kafka bridge is stopping');
    this.name = 'StoppingError';
  }
}

export class KafkaBridge implements Service {
  readonly name = 'kafka-bridge';
  private consumer?: Consumer;
  private producer?: Producer;
  private stopping = false;
  private joined = false;
  private lastError = 'consumer not connected yet';
  private connecting?: Promise<void>;
  private wake?: () => void;
  private dispatchers?: RouteDispatchers;

  constructor(private readonly options: KafkaBridgeOptions) {}

  /** Returns when the consumer is in its group; throws the reason otherwise (GET /ready). */
  ready(): void {
    if (!this.joined) throw new Error(this.lastError);
  }

  /**
   * Connects in the background: a broker outage at start-up must not keep the
   * realtime server from starting; /ready reports `kafka: { ok: false }` meanwhile.
   */
  start(): void {
    this.stopping = false;
    this.dispatchers = this.options.dispatchers();
    const { kafka } = this.options;
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.consumer = kafka.consumer({
      groupId: this.options.config.groupId,
      sessionTimeout: this.options.config.sessionTimeoutMs,
      heartbeatInterval: this.options.config.heartbeatIntervalMs,
    });
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(CRASH, (event) => {
      this.joined = false;
      this.lastError = `consumer crashed: ${event.payload.error.message}`;
    });
    for (const name of [DISCONNECT, STOP]) {
      this.consumer.on(name, () => {
        this.joined = false;
        this.lastError = 'consumer disconnected';
      });
    }
    this.connecting = this.connectLoop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.connecting;
    // disconnect() waits for the record in hand; one mid-retry gives up at once
    // (StoppingError) and stays uncommitted.
    await this.consumer?.disconnect().catch((err) => this.options.logger.warn({ err }, 'Kafka consumer disconnect failed'));
    await this.producer?.disconnect().catch((err) => this.options.logger.warn({ err }, 'Kafka producer disconnect failed'));
    this.joined = false;
  }

  private async connectLoop(): Promise<void> {
    const { config, logger } = this.options;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.producer!.connect();
        await this.consumer!.connect();
        await this.consumer!.subscribe({ topics: Object.keys(config.topics), fromBeginning: config.fromBeginning });
        await this.consumer!.run({ autoCommit: false, eachMessage: (payload) => this.eachMessage(payload) });
        logger.info({ brokers: config.brokers, groupId: config.groupId, topics: Object.keys(config.topics) }, 'Kafka bridge consuming');
        return;
      } catch (err) {
        this.lastError = `cannot reach Kafka: ${(err as Error).message}`;
        logger.warn({ err, attempt }, 'Kafka bridge could not connect; retrying');
        await this.consumer!.disconnect().catch(() => {});
        await this.pause(attempt);
      }
    }
  }

  private async eachMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const source: RecordSource = { topic, partition, message };
    let outcome: Exclude<RecordOutcome, 'retried'> | undefined;
    for (let attempt = 0; outcome === undefined; attempt++) {
      if (this.stopping) throw new StoppingError();
      try {
        outcome = await this.process(source);
      } catch (err) {
        this.options.records.inc({ topic, outcome: 'retried' });
        this.options.logger.warn({ err, topic, partition, offset: message.offset, attempt }, 'Kafka record failed; retrying');
        await this.pause(attempt);
        // Keeps the group membership alive during a long outage; throws when a
        // rebalance took the partition away, and kafkajs re-reads from the commit.
        await heartbeat();
      }
    }
    // The committed offset is the next record to read, hence +1. A failed commit
    // propagates: kafkajs re-reads from the last commit (at-least-once).
    await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    this.options.records.inc({ topic, outcome });
  }

  /** Routes or dead-letters one record; throws only for a transient failure. */
  private async process(source: RecordSource): Promise<Exclude<RecordOutcome, 'retried'>> {
    const { config, logger } = this.options;
    const decoded = decodeValue(source.message.value);
    let outcome: Exclude<RecordOutcome, 'retried'> = 'routed';
    try {
      const route = config.topics[source.topic];
      if (!route) throw new UnroutableRecordError(`no route for topic ${source.topic}`);
      if (!decoded.json) throw new UnroutableRecordError(decoded.error);
      await routeRecord(this.dispatchers!, route, decoded.value);
    } catch (err) {
      if (!isPermanentFailure(err)) throw err;
      const reason = failureReason(err);
      await this.producer!.send({ topic: config.deadLetterTopic, messages: [deadLetterMessage(source, reason)] });
      logger.warn({ topic: source.topic, offset: source.message.offset, reason }, 'Kafka record dead-lettered');
      outcome = 'dead-lettered';
    }
    if (config.emitKafkaEvents) await this.emitKafkaEvent(source, decoded.value);
    return outcome;
  }

  /** `kafka-event` on `kafka-events` (admins and monitors), through the publish dispatcher. */
  private async emitKafkaEvent(source: RecordSource, event: unknown): Promise<void> {
    const timestamp = Number(source.message.timestamp);
    const payload: KafkaEventPayload = {
      topic: source.topic,
      event,
      timestamp: toIso(Number.isFinite(timestamp) ? timestamp : Date.now()),
    };
    try {
      await this.dispatchers!.publish('kafka-events', 'kafka-event', payload);
    } catch (err) {
      // Monitoring only: the record's own effect is done, so this never blocks the commit.
      this.options.logger.warn({ err, topic: source.topic }, 'kafka-event could not be published');
    }
  }

  /** Exponential back-off (retryInitialMs doubling up to retryMaxMs), cut short by stop(). */
  private pause(attempt: number): Promise<void> {
    const { retryInitialMs, retryMaxMs } = this.options.config;
    const ms = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(attempt, 20));
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
