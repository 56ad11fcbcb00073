/**
 * Dead-letter records: the original key and value, unchanged, so the record can be
 * fixed and produced again, with why and where from in headers.
 */
import type { ConsumedRecord, OutgoingRecord } from './kafka-client.js';

/** Headers the bridge adds to a dead-lettered record. */
export const DEAD_LETTER_HEADERS = {
  error: 'x-switchboard-error',
  topic: 'x-switchboard-topic',
  partition: 'x-switchboard-partition',
  offset: 'x-switchboard-offset',
} as const;

/** The dead-letter record for `source`, failed for `reason`. */
export function deadLetterMessage(source: ConsumedRecord, reason: string): OutgoingRecord {
  const headers: OutgoingRecord['headers'] = {
    ...source.headers,
    [DEAD_LETTER_HEADERS.error]: reason,
    [DEAD_LETTER_HEADERS.topic]: source.topic,
    [DEAD_LETTER_HEADERS.partition]: String(source.partition),
    [DEAD_LETTER_HEADERS.offset]: source.offset,
  };
  return { key: source.key, value: source.value, headers };
}
