/**
 * Produces one record to a Kafka topic, for trying the bridge by hand (docs/kafka.md):
 *
 *   npx tsx scripts/kafka-produce.ts notification.send '{"userId":"42","type":"info","title":"Hi","message":"From Kafka"}'
 *
 * Brokers come from SWITCHBOARD_KAFKA_BROKERS (default 127.0.0.1:9092). The value is
 * sent as given, so malformed JSON can be produced too (to see the dead-letter topic).
 */
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';

const [topic, value] = process.argv.slice(2);
if (!topic || value === undefined) {
  console.error("usage: npx tsx scripts/kafka-produce.ts <topic> '<json value>'");
  process.exit(2);
}
const brokers = (process.env.SWITCHBOARD_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
// autocreateTopics: a first record creates its topic when the broker allows it.
const producer = new Producer({
  clientId: 'switchboard-produce',
  bootstrapBrokers: brokers,
  serializers: stringSerializers,
  autocreateTopics: true,
});
try {
  const { offsets } = await producer.send({ messages: [{ topic, value }], acks: ProduceAcks.ALL });
  const [sent] = offsets ?? [];
  console.log(`produced to ${topic} partition ${sent?.partition} offset ${sent?.offset}`);
} finally {
  await producer.close();
}
