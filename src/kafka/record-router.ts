/**
 * Turns one Kafka record into a call of the dispatcher its topic routes to. The
 * bridge owns no delivery logic of its own (STYLE.md #6): `notify`, `publish` and
 * `broadcast` are the same functions POST /api/notify, /api/publish and
 * /api/broadcast call, so validation, templates, storage and fan-out are theirs.
 */
import { z } from 'zod';
import type { ProvidedApi } from '../core/context.js';
import { SwitchboardError } from '../core/errors.js';
import type { ErrorCode } from '../protocol/error-codes.js';
import { parseOrFail } from '../realtime/validation.js';
import type { WriteContext } from '../store/write-context.js';
import type { KafkaTopicConfig } from './kafka-config.js';

/**
 * The dispatchers a record can reach, and `once` (src/idempotency) that runs a record's
 * effect at most once per `recordKey` (absent when a host leaves that feature out).
 */
export type RouteDispatchers = Pick<ProvidedApi, 'notify' | 'publish' | 'broadcast'> & { once?: ProvidedApi['once'] };

/** Where a record was read: the triple names it uniquely in the cluster. */
export interface RecordOrigin {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * `topic:partition:offset`, the same for every redelivery of one record: the record's
 * idempotency key (issue 11), so a record redelivered after a crash (read again from
 * the last committed offset) never repeats its effect.
 */
export function recordKey(origin: RecordOrigin): string {
  return `${origin.topic}:${origin.partition}:${origin.offset}`;
}

/** A record the bridge can never deliver (bad JSON, wrong shape, unknown topic): it goes to the dead-letter topic. */
export class UnroutableRecordError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnroutableRecordError';
  }
}

/**
 * Dispatcher refusals that retrying cannot fix. Anything else (UNAVAILABLE, a raw
 * store or driver error) is treated as transient: the record is retried, not
 * dead-lettered, because dropping a valid record during a store outage loses it.
 */
const PERMANENT_CODES: ReadonlySet<ErrorCode> = new Set(['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'CONFLICT']);

/** True when a failure means "dead-letter it", false when it means "retry later". */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof UnroutableRecordError) return true;
  return error instanceof SwitchboardError && PERMANENT_CODES.has(error.code);
}

/** The reason written to the dead-letter record's `x-switchboard-error` header. */
export function failureReason(error: unknown): string {
  if (error instanceof SwitchboardError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** A record's value as JSON; the text itself when it is not JSON (for `kafka-event`). */
export function decodeValue(value: Buffer | null): { json: true; value: unknown } | { json: false; value: string | null; error: string } {
  if (value === null) return { json: false, value: null, error: 'record has no value' };
  const text = value.toString('utf8');
  try {
    return { json: true, value: JSON.parse(text) };
  } catch (err) {
    return { json: false, value: text, error: `value is not JSON: ${(err as Error).message}` };
  }
}

const objectRecord = z.record(z.string(), z.unknown());

// Shapes checked here only as far as the dispatcher call needs; the dispatcher
// validates the rest and answers VALIDATION_FAILED naming the field.
const publishRecord = z.object({ channel: z.string(), event: z.string(), data: z.unknown().optional() });
const broadcastRecord = z.object({ title: z.string(), message: z.string(), from: z.string().optional() });

function asObject(value: unknown): Record<string, unknown> {
  const result = objectRecord.safeParse(value);
  if (!result.success || Array.isArray(value)) throw new UnroutableRecordError('value must be a JSON object');
  return result.data;
}

/**
 * Routes a parsed record. Resolves once the dispatcher has stored (notify, publish
 * on a channel with history) or emitted (broadcast, publish without history) it;
 * rejects with the dispatcher's error otherwise. The dispatch runs once per
 * `recordKey(origin)` (a redelivery resolves without repeating it).
 */
export async function routeRecord(
  dispatchers: RouteDispatchers,
  topic: KafkaTopicConfig,
  value: unknown,
  origin: RecordOrigin,
): Promise<void> {
  const record = asObject(value);
  if (dispatchers.once) await dispatchers.once('kafka', recordKey(origin), (context) => dispatch(dispatchers, topic, record, context));
  else await dispatch(dispatchers, topic, record);
}

async function dispatch(
  dispatchers: RouteDispatchers,
  topic: KafkaTopicConfig,
  record: Record<string, unknown>,
  writeContext?: WriteContext,
): Promise<void> {
  switch (topic.route) {
    case 'notify': {
      // A topic's template (document.processed → document:processed) applies
      // when the record names none of its own.
      const input = topic.template && record.template === undefined ? { ...record, template: topic.template } : record;
      await dispatchers.notify(input as Parameters<RouteDispatchers['notify']>[0], { writeContext });
      return;
    }
    case 'publish': {
      const { channel, event, data } = parseOrFail(publishRecord, record);
      await dispatchers.publish(channel, event, data, { writeContext });
      return;
    }
    case 'broadcast': {
      // Only the broadcast's own fields: records often carry extra keys, which
      // the strict broadcast schema would refuse.
      const { title, message, from } = parseOrFail(broadcastRecord, record);
      await dispatchers.broadcast({ title, message, ...(from === undefined ? {} : { from }) });
      return;
    }
  }
}
