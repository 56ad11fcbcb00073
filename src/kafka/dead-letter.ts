/**
 * Dead-letter records: the original key and value, unchanged, so the record can be
 * fixed and produced again, with why and where from in headers.
 */
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** Headers the bridge adds to a dead-lettered record. */
export const DEAD_LETTER_HEADERS = {
  error: 'x-switchboard-error',
  topic: 'x-switchboard-topic',
  partition: 'x-switchboard-partition',
  offset: 'x-switchboard-offset',
} as const;

/** Where a consumed record came from. */
export interface RecordSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** The dead-letter record for `source`, failed for `reason`. */
export function deadLetterMessage(source: RecordSource, reason: string): Message {
  const headers: IHeaders = {
    ...source.message.headers,
    [DEAD_LETTER_HEADERS.error]: reason,
    [DEAD_LETTER_HEADERS.topic]: source.topic,
    [DEAD_LETTER_HEADERS.partition]: String(source.partition),
    [DEAD_LETTER_HEADERS.offset]: source.message.offset,
  };
  return { key: source.message.key, value: source.message.value, headers };
}
