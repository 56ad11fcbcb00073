/** The bridge's slice of the config (`kafka.*` in src/config/schema.ts). */
import type { SwitchboardConfig } from '../config/schema.js';

export type KafkaConfig = SwitchboardConfig['kafka'];

/** One consumed topic: the dispatcher it routes to and, for notify, its template. */
export type KafkaTopicConfig = KafkaConfig['topics'][string];

/** The config with brokers set, which is what turns the bridge on. */
export type EnabledKafkaConfig = KafkaConfig & { brokers: string[] };

export function kafkaEnabled(config: KafkaConfig): config is EnabledKafkaConfig {
  return config.brokers !== undefined && config.brokers.length > 0;
}
