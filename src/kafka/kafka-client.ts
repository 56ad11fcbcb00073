/**
 * The Kafka client (kafkajs: pure JavaScript, so no native librdkafka build or
 * prebuilt download) with its log lines sent to the server's pino logger.
 */
import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { Logger } from '../core/logger.js';

/**
 * kafkajs levels onto pino's. kafkajs INFO is chatty (every group join, every
 * consumer start), so it goes to debug.
 */
function logCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...fields } = log;
      const entry = { kafka: namespace, ...fields };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.debug(entry, message);
      else logger.trace(entry, message);
    };
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/** A kafkajs client for the given brokers. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.INFO,
    logCreator: logCreator(options.logger.child({ component: 'kafka' })),
    // Connection attempts are bounded here; the bridge's own loop keeps retrying
    // with back-off, so a broker outage at start-up does not stop the server.
    connectionTimeout: 3000,
    retry: { initialRetryTime: 300, retries: 3 },
  });
}
