/**
 * What the bridge needs from a Kafka client (STYLE.md #5: adapters behind small
 * interfaces). The bridge's logic (routing, commits after the effect is stored,
 * retries, dead letters, state and logs) is written against this file only; the
 * library lives in one adapter (`platformatic-kafka-client.ts`), so changing the
 * client library changes one file.
 */

/** One consumed record. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  /** The record's offset, as a decimal string (Kafka offsets are 64-bit). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values as the producer sent them (bytes); one value per name. */
  headers: Record<string, Buffer>;
  /** The record's Kafka timestamp, in ms since the epoch. */
  timestamp: number;
}

/** A record to produce (the dead-letter topic's). */
export interface OutgoingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string>;
}

/**
 * A live membership in the consumer group, from join to loss or close. A lost
 * broker ends it (its `records` iteration throws); the bridge then closes it and
 * opens a new one, so a session never has to recover by itself.
 */
export interface ConsumerSession {
  /**
   * The records of the partitions assigned to this member, in offset order per
   * partition and each at most once per session; the next one is fetched while the
   * bridge handles the current one. Throws when the brokers are lost; ends on close().
   */
  readonly records: AsyncIterable<ConsumedRecord>;
  /** Commits the record's offset + 1 for the group; rejects when the broker refuses or is gone. */
  commit(record: ConsumedRecord): Promise<void>;
  /** False once a rebalance gave the record's partition to another member (which will read it from the last commit). */
  owns(record: ConsumedRecord): boolean;
  /** Leaves the group and closes the connections; never rejects (the broker may be gone). */
  close(): Promise<void>;
}

/** What the bridge opens sessions with. */
export interface ConsumeOptions {
  topics: string[];
  /** A group without commits starts at the oldest record (else the newest). */
  fromBeginning: boolean;
}

/** A Kafka client as the bridge uses it: consumer sessions and a producer. */
export interface KafkaClient {
  /** Joins the group and resolves once this member has its assignment; rejects when the brokers cannot be reached. */
  consume(options: ConsumeOptions): Promise<ConsumerSession>;
  /** Produces records to `topic` (acknowledged by all in-sync replicas); rejects when it could not. */
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  /** Closes the producer; never rejects. */
  close(): Promise<void>;
}

/** How a bridge's client is made (replaceable in tests). */
export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}
