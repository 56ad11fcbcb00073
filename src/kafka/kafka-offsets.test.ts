/**
 * Offsets are committed only after a record's effect is stored: nothing is read
 * twice across a restart, records produced while the server was down are read
 * after it, and a transient failure is retried in place, never committed past and
 * never dead-lettered.
 */
import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { collect, nextEvent } from '../../test/support/client.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { listFor, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import { describeEachStore } from '../../test/support/stores.js';
import { fail } from '../core/errors.js';
import { loadConfig } from '../features.js';
import type { Notification } from '../protocol/shapes.js';
import { KafkaBridge } from './kafka-bridge.js';
import type { EnabledKafkaConfig } from './kafka-config.js';
import { createKafkaClient } from './platformatic-kafka-client.js';
import type { RouteDispatchers } from './record-router.js';

const kafkaReason = await kafkaUnavailable();

describe.skipIf(kafkaReason !== undefined)('Kafka bridge offsets', { timeout: 150_000 }, () => {
  describeEachStore('restarts', (db) => {
    it('reads nothing twice across a restart, and reads what was produced while it was down', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      await kit.createTopics(notices, kit.deadLetterTopic);
      // Both servers share one store, as two runs of one deployment do: a record
      // read twice would be stored twice.
      const config = { kafka: kit.config({ [notices]: { route: 'notify' } }) };
      const user = `kafka-restart-${kit.id}`;
      const notice = (title: string) => ({ userId: user, type: 'info', title, message: title });

      const first = await startTestServer({ store: db.store, config, manualStop: true });
      let firstStopped = false;
      onCleanup(() => (firstStopped ? undefined : first.stop()));
      const before = await first.connect(user);
      const delivered = nextEvent<Notification>(before.socket, 'notification', KAFKA_WAIT_MS);
      await kit.produce(notices, notice('before the restart'));
      expect((await delivered).title).toBe('before the restart');
      // stop() waits for the record in hand, whose commit follows its delivery.
      await first.stop();
      firstStopped = true;
      expect(await kit.committedOffset(notices)).toBe('1');

      await kit.produce(notices, notice('while it was down'));
      // A new server in the same consumer group, on the same store.
      const second = await startTestServer({ store: db.store, config });
      const after = await second.connect(user);
      const received = collect<Notification>(after.socket, 'notification');
      await waitFor(() => received.length >= 1, KAFKA_WAIT_MS, 'the record produced while down');
      await waitFor(async () => (await kit.committedOffset(notices)) === '2', KAFKA_WAIT_MS, 'the second commit');
      // One partition, read in order: a re-read first record would have come first.
      expect(received.map((n) => n.title)).toEqual(['while it was down']);
      const inbox = (await listFor(second, user)).body as { notifications: Notification[] };
      expect(inbox.notifications.map((n) => n.title).sort()).toEqual(['before the restart', 'while it was down']);
    });
  });

  it('retries a record whose store is down, without committing or dead-lettering it, and delivers it once the store is back', async () => {
    const kit = kafkaTestKit();
    const notices = kit.topic('notices');
    await kit.createTopics(notices, kit.deadLetterTopic);
    const config = loadConfig({ env: {}, overrides: { kafka: kit.config({ [notices]: { route: 'notify' } }) } })
      .kafka as EnabledKafkaConfig;
    const logger = pino({ level: 'silent' });

    let storeUp = false;
    let attempts = 0;
    const stored: unknown[] = [];
    // The notify dispatcher's answer while its store is down, then its success.
    const dispatchers: RouteDispatchers = {
      notify: async (input) => {
        attempts++;
        if (!storeUp) throw fail('UNAVAILABLE', 'The store could not record the notification');
        stored.push(input);
        return { ids: ['n1'], count: 1, scheduled: false };
      },
      publish: async (channel) => ({ channel, offset: null, timestamp: new Date().toISOString() }),
      broadcast: async (input) => ({ title: input.title, message: input.message, from: 'system', timestamp: new Date().toISOString() }),
    };
    const bridge = () => {
      const records = new Counter({ name: 'records', help: 'records', labelNames: ['topic', 'outcome'], registers: [new Registry()] });
      const service = new KafkaBridge({
        config,
        client: createKafkaClient(config),
        logger,
        dispatchers: () => dispatchers,
        records,
      });
      let stopped = false;
      onCleanup(() => (stopped ? undefined : service.stop()));
      return {
        service,
        records,
        stop: async () => {
          stopped = true;
          await service.stop();
        },
      };
    };

    const down = bridge();
    down.service.start();
    await kit.produce(notices, { userId: '5', type: 'info', title: 'Kept', message: 'through the outage' });
    await waitFor(() => attempts >= 3, KAFKA_WAIT_MS, 'three attempts');
    await down.stop();
    expect(await kit.committedOffset(notices)).toBe('-1');
    expect(await kit.endOffset(kit.deadLetterTopic)).toBe('0');
    expect((await down.records.get()).values.find((v) => v.labels.outcome === 'retried')?.value).toBeGreaterThanOrEqual(2);
    expect(stored).toEqual([]);

    // The store is back; the group's next member reads the record again.
    storeUp = true;
    const up = bridge();
    up.service.start();
    await waitFor(async () => (await kit.committedOffset(notices)) === '1', KAFKA_WAIT_MS, 'the commit after the store came back');
    expect(stored).toEqual([{ userId: '5', type: 'info', title: 'Kept', message: 'through the outage' }]);
    expect(await kit.endOffset(kit.deadLetterTopic)).toBe('0');
    await up.stop();
  });
});
