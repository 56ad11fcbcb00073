/**
 * The Kafka bridge service (STYLE.md #6): a consumer group over the configured
 * topics, each record routed through the one notify/publish/broadcast dispatcher,
 * under the lifecycle's start()/stop(). It talks to Kafka only through the
 * KafkaClient interface (kafka-client.ts).
 *
 * Offsets: auto-commit is off. A record's offset (+1) is committed only after its
 * dispatcher resolved, i.e. after its effect is stored, or after it went to the
 * dead-letter topic. A transient failure (store down) is retried with back-off in
 * place, never committed and never dead-lettered, so a crash or a stop mid-retry
 * leaves the record for the group's next member: at-least-once delivery.
 *
 * Broker outages: a lost broker ends the consumer session; the bridge logs that
 * once, reports it on /ready and opens new sessions with back-off until one joins,
 * which it logs once more. Repeats in between are rate-limited (issue 13).
 */
import type { Counter } from 'prom-client';
import { toIso } from '../core/ids.js';
import type { Service } from '../core/lifecycle.js';
import { LogThrottle } from '../core/log-throttle.js';
import type { Logger } from '../core/logger.js';
import type { KafkaEventPayload } from '../protocol/events.js';
import { deadLetterMessage } from './dead-letter.js';
import type { ConsumedRecord, ConsumerSession, KafkaClient } from './kafka-client.js';
import type { EnabledKafkaConfig } from './kafka-config.js';
import { KafkaBrokerState } from './kafka-state.js';
import {
  decodeValue,
  failureReason,
  isPermanentFailure,
  type RouteDispatchers,
  recordKey,
  routeRecord,
  UnroutableRecordError,
} from './record-router.js';

/** What happened to a consumed record (the `outcome` label of the records metric). */
export type RecordOutcome = 'routed' | 'dead-lettered' | 'retried';

export interface KafkaBridgeOptions {
  config: EnabledKafkaConfig;
  client: KafkaClient;
  logger: Logger;
  /** Resolved at start(), so features registered after this one may still provide them. */
  dispatchers: () => RouteDispatchers;
  records: Counter<'topic' | 'outcome'>;
  /** Shortest time between two lines about the same repeated failure. @default 60000 */
  logIntervalMs?: number;
}

/** Thrown out of a record's retries while stopping, so it is neither advanced past nor committed. */
class StoppingError extends Error {
  constructor() {
    super('Kafka bridge is stopping');
    this.name = 'StoppingError';
  }
}

export class KafkaBridge implements Service {
  readonly name = 'kafka-bridge';
  private readonly state: KafkaBrokerState;
  private readonly throttle: LogThrottle;
  private session?: ConsumerSession;
  private stopping = false;
  private running?: Promise<void>;
  /** The record being handled, which stop() lets finish (or give up, mid-retry). */
  private inHand?: Promise<void>;
  private wake?: () => void;
  private dispatchers?: RouteDispatchers;

  constructor(private readonly options: KafkaBridgeOptions) {
    this.throttle = new LogThrottle({ intervalMs: options.logIntervalMs ?? 60_000 });
    this.state = new KafkaBrokerState(options.logger, this.throttle);
  }

  /** Returns while the consumer is in its group; throws the reason otherwise (GET /ready). */
  ready(): void {
    this.state.ready();
  }

  /**
   * Connects in the background: a broker outage at start-up must not keep the
   * realtime server from starting; /ready reports `kafka: { ok: false }` meanwhile.
   */
  start(): void {
    this.stopping = false;
    this.dispatchers = this.options.dispatchers();
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // The record in hand finishes (its commit follows its delivery); one mid-retry
    // gives up at once (StoppingError) and stays uncommitted.
    await this.inHand?.catch(() => {});
    await this.session?.close();
    await this.running;
    await this.options.client.close();
  }

  /** Sessions one after another until stop(): each lasts from a join to a lost broker. */
  private async run(): Promise<void> {
    const { config, client } = this.options;
    const topics = Object.keys(config.topics);
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const session = await client.consume({ topics, fromBeginning: config.fromBeginning });
        this.session = session;
        if (this.stopping) break;
        this.state.up({ brokers: config.brokers, groupId: config.groupId, topics });
        attempt = 0;
        await this.consume(session);
        if (!this.stopping) this.state.down(new Error('the consumer stream ended'));
      } catch (err) {
        if (!this.stopping) this.state.down(err);
      } finally {
        await this.session?.close();
        this.session = undefined;
      }
      if (!this.stopping) await this.pause(attempt);
    }
  }

  private async consume(session: ConsumerSession): Promise<void> {
    for await (const record of session.records) {
      if (this.stopping) return;
      this.inHand = this.handle(session, record);
      try {
        await this.inHand;
      } catch (err) {
        if (err instanceof StoppingError) return;
        throw err;
      } finally {
        this.inHand = undefined;
      }
      if (this.stopping) return;
    }
  }

  private async handle(session: ConsumerSession, record: ConsumedRecord): Promise<void> {
    const { topic, partition, offset } = record;
    let outcome: Exclude<RecordOutcome, 'retried'> | undefined;
    for (let attempt = 0; outcome === undefined; attempt++) {
      if (this.stopping) throw new StoppingError();
      try {
        outcome = await this.process(record);
      } catch (err) {
        this.options.records.inc({ topic, outcome: 'retried' });
        const { log, suppressed } = this.throttle.take('record-retry');
        if (log) this.options.logger.warn({ err, topic, partition, offset, attempt, suppressed }, 'Kafka record failed; retrying');
        await this.pause(attempt);
        // A rebalance gave the partition to another member, which reads the record
        // from the last commit; keeping on here would only deliver it twice.
        if (!session.owns(record)) return;
      }
    }
    this.throttle.reset('record-retry');
    // A failed commit propagates and ends the session: the record is read again
    // from the last commit (at-least-once).
    await session.commit(record);
    this.options.records.inc({ topic, outcome });
  }

  /** Routes or dead-letters one record; throws only for a transient failure. */
  private async process(record: ConsumedRecord): Promise<Exclude<RecordOutcome, 'retried'>> {
    const { config, logger, client } = this.options;
    const decoded = decodeValue(record.value);
    let outcome: Exclude<RecordOutcome, 'retried'> = 'routed';
    try {
      const route = config.topics[record.topic];
      if (!route) throw new UnroutableRecordError(`no route for topic ${record.topic}`);
      if (!decoded.json) throw new UnroutableRecordError(decoded.error);
      await routeRecord(this.dispatchers!, route, decoded.value, record);
    } catch (err) {
      if (!isPermanentFailure(err)) throw err;
      const reason = failureReason(err);
      await client.send(config.deadLetterTopic, [deadLetterMessage(record, reason)]);
      const { log, suppressed } = this.throttle.take('dead-letter');
      if (log) logger.warn({ record: recordKey(record), reason, suppressed }, 'Kafka record dead-lettered');
      outcome = 'dead-lettered';
    }
    if (config.emitKafkaEvents) await this.emitKafkaEvent(record, decoded.value);
    return outcome;
  }

  /** `kafka-event` on `kafka-events` (admins and monitors), through the publish dispatcher. */
  private async emitKafkaEvent(record: ConsumedRecord, event: unknown): Promise<void> {
    const payload: KafkaEventPayload = {
      topic: record.topic,
      event,
      timestamp: toIso(Number.isFinite(record.timestamp) ? record.timestamp : Date.now()),
    };
    try {
      await this.dispatchers!.publish('kafka-events', 'kafka-event', payload);
    } catch (err) {
      // Monitoring only: the record's own effect is done, so this never blocks the commit.
      const { log, suppressed } = this.throttle.take('kafka-event');
      if (log) this.options.logger.warn({ err, topic: record.topic, suppressed }, 'kafka-event could not be published');
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
