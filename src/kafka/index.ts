/** The Kafka bridge's public surface. */
export { DEAD_LETTER_HEADERS } from './dead-letter.js';
export type { KafkaConfig, KafkaTopicConfig } from './kafka-config.js';
export { kafkaFeature } from './kafka-feature.js';
