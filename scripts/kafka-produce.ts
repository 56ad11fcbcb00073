/**
 * Produces one record to a Kafka topic, for trying the bridge by hand (docs/kafka.md):
 *
 *   npx tsx scripts/kafka-produce.ts notification.send '{"userId":"42","type":"info","title":"Hi","message":"From Kafka"}'
 *
 * Brokers come from SWITCHBOARD_KAFKA_BROKERS (default 127.0.0.1:9092). The value is
 * sent as given, so malformed JSON can be produced too (to see the dead-letter topic).
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const [topic, value] = process.argv.slice(2);
if (!topic || value === undefined) {
  console.error("usage: npx tsx scripts/kafka-produce.ts <topic> '<json value>'");
  process.exit(2);
}
const brokers = (process.env.SWITCHBOARD_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const producer = new Kafka({ clientId: 'switchboard-produce', brokers, logLevel: logLevel.NOTHING }).producer({
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
try {
  const [sent] = await producer.send({ topic, messages: [{ value }] });
  console.log(`produced to ${topic} partition ${sent?.partition} offset ${sent?.baseOffset}`);
} finally {
  await producer.disconnect();
}
