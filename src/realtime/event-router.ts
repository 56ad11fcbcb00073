/**
 * Every client→server event passes through here: rate limit, schema validation,
 * handler, and exactly one answer, as an ack `{ ok, data | error }` when the client
 * sent a callback, otherwise as an `error` event when it failed. Names, payloads and
 * ack data come from the one event map (`ClientEventMap`, src/protocol/events.ts):
 * a handler for a name outside it, a schema that accepts another payload, or a
 * handler that answers other data is a compile error. Unknown events are refused the
 * same way and count against the `default` rate limit and the flood counter, so they
 * cost an attacker as much as known ones. Handlers run under the lifecycle so
 * shutdown can wait for their acks and store writes.
 */
import type { z } from 'zod';
import { fail, SwitchboardError, toSwitchboardError } from '../core/errors.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';
import type { AckDataOf, ClientEventName, Nothing, PayloadOf } from '../protocol/events.js';
import type { Ack } from '../protocol/shapes.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { SwitchboardSocket } from './socket-types.js';
import { validationError } from './validation.js';

/** What a schema must accept for event E: its payload, or anything for events sent without one. */
type WirePayload<E extends ClientEventName> = [PayloadOf<E>] extends [Nothing] ? unknown : PayloadOf<E>;

/** True when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Checks a schema for event E: its input type must be exactly the event's payload, so
 * the contract's types and the server's validation cannot drift apart. `unknown` (no
 * constraint) when it matches; otherwise a property no schema has, so the compiler
 * names the mismatch.
 */
export type SchemaCheck<E extends ClientEventName, S extends z.ZodType> =
  Same<z.input<S>, WirePayload<E>> extends true
    ? unknown
    : { readonly schemaMismatch: `the schema of "${E}" does not accept exactly PayloadOf<"${E}">`; readonly accepts: z.input<S> };

export interface EventDefinition<E extends ClientEventName, S extends z.ZodType = z.ZodType> {
  /** Schema of the first argument (its input type is checked against the event map). */
  schema: S;
  handler: (payload: z.output<S>, socket: SwitchboardSocket) => Promise<AckDataOf<E>> | AckDataOf<E>;
  /** Rate-limit rule name; @default the event's own rule if configured, else `default` */
  rateLimit?: string;
}

/** Handlers a feature registers (each made by `defineEvent`). */
// biome-ignore lint/suspicious/noExplicitAny: a list of handlers of different events
export type EventHandlers = ReadonlyArray<RegisteredEvent<any>>;

/** An event definition whose schema was checked against the map; made by `defineEvent`. */
export interface RegisteredEvent<E extends ClientEventName> {
  readonly event: E;
  readonly definition: EventDefinition<E>;
}

/**
 * Types one handler from the event map.
 * @example
 * events: [defineEvent('ping', { schema: z.unknown(), handler: () => ({ timestamp: isoNow() }) })]
 */
export function defineEvent<E extends ClientEventName, S extends z.ZodType>(
  event: E,
  definition: { schema: S & SchemaCheck<E, S> } & Omit<EventDefinition<E, S>, 'schema'>,
): RegisteredEvent<E> {
  return { event, definition: definition as unknown as EventDefinition<E> };
}

export interface EventRouterOptions {
  rateLimiter: RateLimiter;
  metrics: Metrics;
  lifecycle: Lifecycle;
  logger: Logger;
  /** Refused events in a row before the socket is disconnected. */
  floodDisconnectAfter: number;
}

/** Longest event name repeated back in an `error` event or a log line. */
const MAX_ECHOED_NAME = 64;
const STRIKES = Symbol('rateLimitStrikes');

// biome-ignore lint/suspicious/noExplicitAny: the router stores definitions of every event
type AnyDefinition = EventDefinition<any>;

/** Checks every known event's arguments before its schema sees them (e.g. nesting depth); throws to refuse. */
export type PayloadGuard = (args: readonly unknown[]) => void;

export class EventRouter {
  private readonly definitions = new Map<string, AnyDefinition>();
  private readonly guards: PayloadGuard[] = [];

  constructor(private readonly options: EventRouterOptions) {}

  /** Registers a feature's handlers; a name can only be registered once. */
  register(handlers: EventHandlers): void {
    for (const registered of handlers) {
      if (this.definitions.has(registered.event)) throw new Error(`event "${registered.event}" is registered twice`);
      this.definitions.set(registered.event, registered.definition);
    }
  }

  /** Adds a guard run before every schema (a feature's `setup`). */
  addGuard(guard: PayloadGuard): void {
    this.guards.push(guard);
  }

  get events(): string[] {
    return [...this.definitions.keys()];
  }

  /** Routes every incoming event of this socket. Call synchronously on connection. */
  attach(socket: SwitchboardSocket): void {
    socket.onAny((event: string, ...args: unknown[]) => {
      void this.dispatch(socket, event, args);
    });
  }

  private async dispatch(socket: SwitchboardSocket, event: unknown, args: unknown[]): Promise<void> {
    const { metrics, lifecycle, logger, rateLimiter } = this.options;
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (response: Ack) => void) : undefined;
    const definition = typeof event === 'string' ? this.definitions.get(event) : undefined;
    const name = definition ? (event as string) : boundedName(event);
    const label = definition ? name : 'unknown';
    metrics.eventsIn.inc({ event: label });
    const stopTimer = metrics.eventLatency.startTimer({ event: label });

    await lifecycle.track(async () => {
      try {
        // Unknown events are charged like any other, before they are refused.
        const rule = definition?.rateLimit ?? (definition ? rateLimiter.ruleFor(name) : 'default');
        const decision = await rateLimiter.consume(rule, socket.data.userId);
        if (!decision.allowed) {
          this.strike(socket);
          throw fail('RATE_LIMITED', `Too many "${name}" events`, { retryAfterMs: decision.retryAfterMs });
        }
        (socket as unknown as Record<symbol, number>)[STRIKES] = 0;
        if (!definition) throw fail('NOT_FOUND', `Unknown event "${name}"`);
        for (const guard of this.guards) guard(args);
        const parsed = definition.schema.safeParse(args[0]);
        if (!parsed.success) throw validationError(parsed.error);
        const data = await definition.handler(parsed.data, socket);
        ack?.(data === undefined ? { ok: true } : { ok: true, data });
      } catch (error) {
        const err = toSwitchboardError(error);
        metrics.errors.inc({ code: err.code });
        if (err.code === 'INTERNAL') {
          logger.error({ err: error, event: name, socketId: socket.id, userId: socket.data.userId }, 'event handler failed');
        }
        const wire = err.toWire();
        if (ack) ack({ ok: false, error: wire });
        else if (socket.connected) socket.emit('error', { ...wire, event: name });
      } finally {
        stopTimer();
      }
    });
  }

  /** Counts a refusal; a socket that keeps flooding after being told is cut off. */
  private strike(socket: SwitchboardSocket): void {
    const holder = socket as unknown as Record<symbol, number>;
    const strikes = (holder[STRIKES] ?? 0) + 1;
    holder[STRIKES] = strikes;
    if (strikes === this.options.floodDisconnectAfter) {
      // Once per socket: the disconnect below is not immediate, and every frame still
      // queued behind it would otherwise log again.
      this.options.logger.warn({ userId: socket.data.userId, socketId: socket.id }, 'disconnecting a socket that kept flooding');
      socket.emit('error', { ...new SwitchboardError('RATE_LIMITED', 'Disconnected for flooding').toWire() });
      setImmediate(() => socket.disconnect(true));
    }
  }
}

/** An event name as it may be repeated back: a string of bounded length. */
function boundedName(event: unknown): string {
  const text = typeof event === 'string' ? event : String(event);
  return text.length > MAX_ECHOED_NAME ? `${text.slice(0, MAX_ECHOED_NAME)}…` : text;
}
