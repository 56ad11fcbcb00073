/**
 * Every client→server event passes through here: rate limit, schema validation,
 * handler, and exactly one answer, as an ack `{ ok, data | error }` when the client
 * sent a callback, otherwise as an `error` event when it failed. Unknown events are
 * refused the same way. Handlers run under the lifecycle so shutdown can wait for
 * their acks and store writes.
 */
import type { z } from 'zod';
import type { SwitchboardSocket } from '../core/context.js';
import { fail, SwitchboardError, toSwitchboardError } from '../core/errors.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';
import type { Ack } from '../protocol/shapes.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { validationError } from './validation.js';

export interface EventDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  /** Schema of the first argument. Events without a payload use `z.unknown()`. */
  schema: S;
  handler: (payload: z.output<S>, socket: SwitchboardSocket) => Promise<R> | R;
  /** Rate-limit rule name; @default the event's own rule if configured, else `default` */
  rateLimit?: string;
}

export interface EventRouterOptions {
  rateLimiter: RateLimiter;
  metrics: Metrics;
  lifecycle: Lifecycle;
  logger: Logger;
  /** Refused events in a row before the socket is disconnected. */
  floodDisconnectAfter: number;
}

const STRIKES = Symbol('rateLimitStrikes');

export class EventRouter {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(private readonly options: EventRouterOptions) {}

  /** Registers an event; a name can only be registered once. */
  on<S extends z.ZodType, R>(event: string, definition: EventDefinition<S, R>): void {
    if (this.definitions.has(event)) throw new Error(`event "${event}" is registered twice`);
    this.definitions.set(event, definition as unknown as EventDefinition);
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

  private async dispatch(socket: SwitchboardSocket, event: string, args: unknown[]): Promise<void> {
    const { metrics, lifecycle, logger, rateLimiter } = this.options;
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (response: Ack) => void) : undefined;
    const definition = this.definitions.get(event);
    const label = definition ? event : 'unknown';
    metrics.eventsIn.inc({ event: label });
    const stopTimer = metrics.eventLatency.startTimer({ event: label });

    await lifecycle.track(async () => {
      try {
        if (!definition) throw fail('NOT_FOUND', `Unknown event "${String(event).slice(0, 64)}"`);
        const rule = definition.rateLimit ?? rateLimiter.ruleFor(event);
        const decision = await rateLimiter.consume(rule, socket.data.userId);
        if (!decision.allowed) {
          this.strike(socket);
          throw fail('RATE_LIMITED', `Too many "${event}" events`, { retryAfterMs: decision.retryAfterMs });
        }
        (socket as unknown as Record<symbol, number>)[STRIKES] = 0;
        const parsed = definition.schema.safeParse(args[0]);
        if (!parsed.success) throw validationError(parsed.error);
        const data = await definition.handler(parsed.data, socket);
        ack?.(data === undefined ? { ok: true } : { ok: true, data });
      } catch (error) {
        const err = toSwitchboardError(error);
        metrics.errors.inc({ code: err.code });
        if (err.code === 'INTERNAL') {
          logger.error({ err: error, event, socketId: socket.id, userId: socket.data.userId }, 'event handler failed');
        }
        const wire = err.toWire();
        if (ack) ack({ ok: false, error: wire });
        else if (socket.connected) socket.emit('error', { ...wire, event });
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
    if (strikes >= this.options.floodDisconnectAfter) {
      this.options.logger.warn({ userId: socket.data.userId, socketId: socket.id }, 'disconnecting a socket that kept flooding');
      socket.emit('error', { ...new SwitchboardError('RATE_LIMITED', 'Disconnected for flooding').toWire() });
      setImmediate(() => socket.disconnect(true));
    }
  }
}
