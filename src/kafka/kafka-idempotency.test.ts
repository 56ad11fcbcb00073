/**
 * A redelivered Kafka record never repeats its effect (issue 11): the bridge runs each
 * record's dispatch once per `topic:partition:offset` (src/idempotency). The records
 * are read a second time by a new consumer group from the beginning, on the same
 * store, which is what a crash between a record's effect and its offset commit does.
 */
import { describe, expect, it } from 'vitest';
import { collect, nextEvent } from '../../test/support/client.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { listFor, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import { describeEachStore } from '../../test/support/stores.js';
import type { Notification } from '../protocol/shapes.js';

const kafkaReason = await kafkaUnavailable();

describe.skipIf(kafkaReason !== undefined)('Kafka bridge idempotency', { timeout: 150_000 }, () => {
  describeEachStore('redelivery', (db) => {
    it('a record read again (same topic:partition:offset) notifies nobody twice', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      await kit.createTopics(notices, kit.deadLetterTopic);
      const user = `kafka-idem-${kit.id}`;
      const notice = (title: string) => ({ userId: user, type: 'info', title, message: title });

      const first = await startTestServer({
        store: db.store,
        config: { kafka: kit.config({ [notices]: { route: 'notify' } }) },
        manualStop: true,
      });
      const { socket } = await first.connect(user);
      const two = collect<Notification>(socket, 'notification');
      await kit.produce(notices, notice('one'), notice('two'));
      await waitFor(() => two.length >= 2, KAFKA_WAIT_MS, 'both records delivered');
      await first.stop();

      // Every record is delivered again: a new group, from the oldest record.
      const again = kit.config({ [notices]: { route: 'notify' } }, { groupId: `${kit.groupId}-again`, fromBeginning: true });
      const second = await startTestServer({ store: db.store, config: { kafka: again } });
      const device = await second.connect(user);
      const seen = collect<Notification>(device.socket, 'notification');
      const three = nextEvent<Notification>(device.socket, 'notification', KAFKA_WAIT_MS);
      await kit.produce(notices, notice('three'));
      // One partition, read in order: had 'one' or 'two' run again, they would have come first.
      expect((await three).title).toBe('three');
      expect(seen.map((n) => n.title)).toEqual(['three']);
      const inbox = (await listFor(second, user)).body as { notifications: Notification[] };
      expect(inbox.notifications.map((n) => n.title).sort()).toEqual(['one', 'three', 'two']);
    });
  });
});
