/**
 * The Kafka bridge against the real broker (scripts/kafka.sh): each route reaches
 * its dispatcher, and every record is mirrored as `kafka-event` on `kafka-events`.
 */
import { describe, expect, it } from 'vitest';
import { errorCode, subscribe, subscribeOk } from '../../test/support/channels.js';
import { collect, nextEvent, nextEventArgs } from '../../test/support/client.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { listFor, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import { describeEachStore } from '../../test/support/stores.js';
import type { BroadcastPayload, KafkaEventPayload } from '../protocol/events.js';
import type { Notification } from '../protocol/shapes.js';

const kafkaReason = await kafkaUnavailable();

describe.skipIf(kafkaReason !== undefined)('Kafka bridge routing', { timeout: 120_000 }, () => {
  describeEachStore('routing', (db) => {
    it('routes the default topics: notification.send as is, document.processed and report.ready through their templates', async () => {
      const kit = kafkaTestKit();
      await kit.ensureTopics('notification.send', 'document.processed', 'report.ready');
      await kit.createTopics(kit.deadLetterTopic);
      // The default topics are shared by every run: users unique to this test keep
      // older records (read again by this test's new group) away from its sockets.
      const user = `kafka-user-${kit.id}`;
      const server = await startTestServer({ store: db.store, config: { kafka: kit.config() } });
      const { socket } = await server.connect(user);
      const received = collect<Notification>(socket, 'notification');

      await kit.produce('notification.send', {
        userId: user,
        type: 'warning',
        title: 'Heads up',
        message: 'Disk at 90%',
        data: { disk: '/' },
      });
      await kit.produce('document.processed', { userId: user, data: { title: 'Q3.pdf', chunks: 12, documentId: 'd1' } });
      await kit.produce('report.ready', { userId: user, data: { type: 'sales', reportId: 'r9' } });

      await waitFor(() => received.length >= 3, KAFKA_WAIT_MS, 'three notifications');
      const byTitle = (title: string) => received.find((n) => n.title === title);
      expect(byTitle('Heads up')).toMatchObject({ type: 'warning', message: 'Disk at 90%', data: { disk: '/' }, read: false });
      expect(byTitle('📄 Document Ready')).toMatchObject({
        type: 'success',
        message: 'Q3.pdf has been processed (12 chunks)',
        data: { title: 'Q3.pdf', chunks: 12, documentId: 'd1' },
      });
      expect(byTitle('📊 Report Ready')).toMatchObject({
        type: 'success',
        message: 'Your sales report is ready!',
        data: { type: 'sales', reportId: 'r9' },
      });

      // Stored before delivery: the inbox has all three.
      const inbox = await listFor(server, user);
      expect(inbox.status).toBe(200);
      expect(JSON.stringify(inbox.body)).toContain('Heads up');
      expect(JSON.stringify(inbox.body)).toContain('Q3.pdf has been processed (12 chunks)');
      expect(JSON.stringify(inbox.body)).toContain('Your sales report is ready!');
    });

    it('applies a topic template only when the record names none, and reaches every user of userIds', async () => {
      const kit = kafkaTestKit();
      const docs = kit.topic('docs');
      await kit.createTopics(docs, kit.deadLetterTopic);
      const server = await startTestServer({
        store: db.store,
        config: { kafka: kit.config({ [docs]: { route: 'notify', template: 'document:processed' } }) },
      });
      const a = await server.connect('a');
      const b = await server.connect('b');
      const onA = collect<Notification>(a.socket, 'notification');
      const onB = nextEvent<Notification>(b.socket, 'notification', KAFKA_WAIT_MS);

      await kit.produce(
        docs,
        { userIds: ['a', 'b'], data: { title: 'Spec.docx', chunks: 3 } },
        { userId: 'a', template: 'report:ready', data: { type: 'weekly' } },
      );

      expect(await onB).toMatchObject({ title: '📄 Document Ready', message: 'Spec.docx has been processed (3 chunks)' });
      await waitFor(() => onA.length >= 2, KAFKA_WAIT_MS, 'two notifications for a');
      expect(onA.map((n) => n.message)).toEqual(['Spec.docx has been processed (3 chunks)', 'Your weekly report is ready!']);
    });

    it('publishes records of a publish topic to the subscribers of a public channel', async () => {
      const kit = kafkaTestKit();
      const events = kit.topic('events');
      await kit.createTopics(events, kit.deadLetterTopic);
      const server = await startTestServer({
        store: db.store,
        config: { channels: { news: { policy: 'public', history: { size: 10 } } }, kafka: kit.config({ [events]: { route: 'publish' } }) },
      });
      const reader = await server.connect('reader');
      await subscribeOk(reader.socket, 'news:sport');
      const got = nextEventArgs(reader.socket, 'news:posted', KAFKA_WAIT_MS);

      await kit.produce(events, { channel: 'news:sport', event: 'news:posted', data: { headline: 'Derby tonight' } });

      const [data, meta] = await got;
      expect(data).toEqual({ headline: 'Derby tonight' });
      expect(meta).toEqual({ channel: 'news:sport', offset: 1, timestamp: expect.any(String) });
    });

    it('broadcasts records of a broadcast topic to everyone connected', async () => {
      const kit = kafkaTestKit();
      const announcements = kit.topic('announcements');
      await kit.createTopics(announcements, kit.deadLetterTopic);
      const server = await startTestServer({ store: db.store, config: { kafka: kit.config({ [announcements]: { route: 'broadcast' } }) } });
      const one = await server.connect('one');
      const two = await server.connect('two');
      const both = [
        nextEvent<BroadcastPayload>(one.socket, 'broadcast', KAFKA_WAIT_MS),
        nextEvent<BroadcastPayload>(two.socket, 'broadcast', KAFKA_WAIT_MS),
      ];

      await kit.produce(announcements, { title: 'Maintenance', message: 'Back in 10 minutes', ticket: 'OPS-1' });

      for (const payload of await Promise.all(both)) {
        expect(payload).toEqual({ title: 'Maintenance', message: 'Back in 10 minutes', from: 'system', timestamp: expect.any(String) });
      }
    });

    it('mirrors every record as kafka-event on kafka-events, which admins and monitors may watch and plain users may not', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      const announcements = kit.topic('announcements');
      await kit.createTopics(notices, announcements, kit.deadLetterTopic);
      const server = await startTestServer({
        store: db.store,
        config: { kafka: kit.config({ [notices]: { route: 'notify' }, [announcements]: { route: 'broadcast' } }) },
      });
      const admin = await server.connect('boss', { roles: ['admin'] });
      const monitor = await server.connect('watcher', { roles: ['monitor'] });
      const plain = await server.connect('plain');
      await subscribeOk(admin.socket, 'kafka-events');
      await subscribeOk(monitor.socket, 'kafka-events');
      expect(errorCode(await subscribe(plain.socket, 'kafka-events'))).toBe('FORBIDDEN');
      const seenByAdmin = collect<KafkaEventPayload>(admin.socket, 'kafka-event');
      const seenByMonitor = collect<KafkaEventPayload>(monitor.socket, 'kafka-event');
      const seenByPlain = collect<KafkaEventPayload>(plain.socket, 'kafka-event');

      const notice = { userId: 'plain', type: 'info', title: 'T', message: 'M' };
      await kit.produce(notices, notice);
      await kit.produce(announcements, { title: 'All hands', message: 'At noon' });

      await waitFor(() => seenByAdmin.length >= 2 && seenByMonitor.length >= 2, KAFKA_WAIT_MS, 'two kafka-events');
      // Two topics: no order between them.
      expect(seenByAdmin).toHaveLength(2);
      expect(seenByAdmin).toEqual(
        expect.arrayContaining([
          { topic: notices, event: notice, timestamp: expect.any(String) },
          { topic: announcements, event: { title: 'All hands', message: 'At noon' }, timestamp: expect.any(String) },
        ]),
      );
      expect(seenByMonitor).toEqual(expect.arrayContaining(seenByAdmin));
      expect(new Date(seenByAdmin[0]!.timestamp).toISOString()).toBe(seenByAdmin[0]!.timestamp);
      expect(seenByPlain).toEqual([]);
    });
  });
});
