/**
 * Domain events (issue 15): the one interface through which presence, channels, chat
 * and notifications say what happened, for the outbound webhooks. The core owns the
 * bus; the webhooks feature attaches the sink (its outbox). With no sink attached
 * (no webhook configured, or a host's feature list without webhooks) every call is a
 * no-op that costs nothing, so the emitting features never ask whether webhooks exist.
 *
 * Two ways in: `emit` stores the event in a transaction of its own (after the effect,
 * for effects that have no transaction: a connection, a room join); `withEvents` wraps
 * a batch writer's spec so the events of a batch are stored in the same transaction
 * as the batch (a message and its `message.created` commit together or not at all).
 */
import type { Transaction } from 'kysely';
import type { WebhookEventMap, WebhookEventType } from '../protocol/webhook-events.js';
import type { BatchOutcome, BatchSpec } from '../store/batch-writer.js';
import type { Database } from '../store/database.js';

/** One event, before it is stored. */
export type DomainEvent = { [K in WebhookEventType]: { type: K; data: WebhookEventMap[K] } }[WebhookEventType];

/** Where events go: the outbox of the webhooks feature. */
export interface DomainEventSink {
  /** Whether any endpoint subscribes to `type` (so an emitter can skip building the data). */
  wants(type: WebhookEventType): boolean;
  /** Stores events inside the caller's transaction. */
  record(trx: Transaction<Database>, events: readonly DomainEvent[]): Promise<void>;
  /** Stores events in a transaction of their own. */
  store(events: readonly DomainEvent[]): Promise<void>;
}

/** Builds the events of a committed-together batch: items and their outcomes, in order. */
export type BatchEvents<I, O> = (items: readonly I[], outcomes: ReadonlyArray<BatchOutcome<O>>) => DomainEvent[] | Promise<DomainEvent[]>;

export interface DomainEvents {
  /** Whether an event of `type` would be stored. */
  wants(type: WebhookEventType): boolean;
  /** Stores one event (its own transaction); resolves once it is stored. */
  emit<K extends WebhookEventType>(type: K, data: WebhookEventMap[K]): Promise<void>;
  /** Stores events inside the caller's transaction (those of the types some endpoint wants). */
  record(trx: Transaction<Database>, events: readonly DomainEvent[]): Promise<void>;
  /**
   * A batch writer's spec whose transactions also store the events `toEvents` builds
   * (only of the types some endpoint wants).
   * @example createBatchWriter(ctx, ctx.domainEvents.withEvents(sendWrites, ['message.created'], messageEvents))
   */
  withEvents<I, O>(spec: BatchSpec<I, O>, types: readonly WebhookEventType[], toEvents: BatchEvents<I, O>): BatchSpec<I, O>;
}

/** The bus in the context: domain events, plus where the webhooks feature plugs its outbox in. */
export interface DomainEventBus extends DomainEvents {
  attach(sink: DomainEventSink): void;
}

export function createDomainEvents(): DomainEventBus {
  let sink: DomainEventSink | undefined;
  const wants = (type: WebhookEventType) => sink?.wants(type) === true;
  const bus: DomainEventBus = {
    attach(next) {
      sink = next;
    },
    wants,
    async emit(type, data) {
      if (sink && wants(type)) await sink.store([{ type, data } as DomainEvent]);
    },
    async record(trx, events) {
      const wanted = events.filter((event) => wants(event.type));
      if (sink && wanted.length > 0) await sink.record(trx, wanted);
    },
    withEvents(spec, types, toEvents) {
      const active = () => types.some(wants);
      return {
        ...spec,
        // Two statements (the effect and the outbox rows) need the transaction.
        singleStatement: spec.singleStatement && ((items) => !active() && (spec.singleStatement?.(items) ?? false)),
        async write(trx, items) {
          const outcomes = await spec.write(trx, items);
          if (sink && active()) await bus.record(trx, await toEvents(items, outcomes));
          return outcomes;
        },
      };
    },
  };
  return bus;
}
