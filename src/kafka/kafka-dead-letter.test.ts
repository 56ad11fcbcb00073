/**
 * Records the bridge cannot parse or route go to the dead-letter topic with the
 * reason, and the consumer carries on; /ready and /metrics report the bridge.
 */
import { describe, expect, it } from 'vitest';
import { collect } from '../../test/support/client.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import { describeEachStore } from '../../test/support/stores.js';
import type { Notification } from '../protocol/shapes.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';

const kafkaReason = await kafkaUnavailable();

describe.skipIf(kafkaReason !== undefined)('Kafka bridge dead letters', { timeout: 120_000 }, () => {
  describeEachStore('dead letters', (db) => {
    it('dead-letters bad JSON and unroutable records with the reason, then goes on with the next record', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      const events = kit.topic('events');
      await kit.createTopics(notices, events, kit.deadLetterTopic);
      const server = await startTestServer({
        store: db.store,
        config: { kafka: kit.config({ [notices]: { route: 'notify' }, [events]: { route: 'publish' } }) },
      });
      const { socket } = await server.connect('7');
      const received = collect<Notification>(socket, 'notification');

      await kit.produce(
        notices,
        '{"userId": "7", "title": ', // cut off: not JSON
        { type: 'info', title: 'Nobody', message: 'no recipient' }, // notify refuses it: VALIDATION_FAILED
        '[1, 2]', // JSON, but not an object
        { userId: '7', type: 'info', title: 'After the bad ones', message: 'still flowing' },
      );
      await kit.produce(events, { channel: 'nope:1', event: 'x', data: {} }); // no such namespace: NOT_FOUND

      await waitFor(() => received.length >= 1, KAFKA_WAIT_MS, 'the good record');
      expect(received.map((n) => n.title)).toEqual(['After the bad ones']);

      const dead = await kit.read(kit.deadLetterTopic, 4);
      const byOffset = (topic: string, offset: string) =>
        dead.find((r) => r.headers[DEAD_LETTER_HEADERS.topic] === topic && r.headers[DEAD_LETTER_HEADERS.offset] === offset);
      expect(byOffset(notices, '0')).toMatchObject({
        value: '{"userId": "7", "title": ',
        headers: { [DEAD_LETTER_HEADERS.error]: expect.stringMatching(/^value is not JSON/), [DEAD_LETTER_HEADERS.partition]: '0' },
      });
      expect(byOffset(notices, '1')?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/^VALIDATION_FAILED: userId/);
      expect(JSON.parse(byOffset(notices, '1')?.value ?? 'null')).toEqual({ type: 'info', title: 'Nobody', message: 'no recipient' });
      expect(byOffset(notices, '2')?.headers[DEAD_LETTER_HEADERS.error]).toBe('value must be a JSON object');
      expect(byOffset(events, '0')?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/^NOT_FOUND: /);

      const metrics = await server.request('GET', '/metrics');
      expect(metrics.body).toContain(`switchboard_kafka_records_total{topic="${notices}",outcome="dead-lettered"} 3`);
      expect(metrics.body).toContain(`switchboard_kafka_records_total{topic="${notices}",outcome="routed"} 1`);
    });

    it('reports kafka in /ready when the bridge is on, and not at all when it is off', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      await kit.createTopics(notices, kit.deadLetterTopic);
      const server = await startTestServer({ store: db.store, config: { kafka: kit.config({ [notices]: { route: 'notify' } }) } });
      // The consumer joins its group in the background; /ready turns ok once it has.
      const ready = await waitFor(
        async () => {
          const res = await server.request('GET', '/ready');
          return res.status === 200 ? res : undefined;
        },
        KAFKA_WAIT_MS,
        'kafka ready',
      );
      expect(ready.body.checks).toEqual({ store: { ok: true }, adapter: { ok: true }, kafka: { ok: true } });

      const off = await startTestServer();
      expect((await off.request('GET', '/ready')).body.checks).toEqual({ store: { ok: true }, adapter: { ok: true } });
    });
  });
});
