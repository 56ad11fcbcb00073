/**
 * Several nodes in one consumer group share the partitions, and a node leaving
 * hands its partitions over at its last commit: a checker over the shared store
 * counts every record's notification, so a lost or a twice-stored record shows.
 */
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { listFor, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import { describeEachStore } from '../../test/support/stores.js';
import type { Notification } from '../protocol/shapes.js';

const kafkaReason = await kafkaUnavailable();

const PARTITIONS = 4;
const USERS = 4;
/** Per batch; each user's inbox stays within one page (100). */
const BATCH = 80;

describe.skipIf(kafkaReason !== undefined)('Kafka bridge in a group of nodes', { timeout: 180_000 }, () => {
  describeEachStore('group', (db) => {
    it('stores every record exactly once while two nodes share the partitions and one of them stops mid-stream', async () => {
      const kit = kafkaTestKit();
      const notices = kit.topic('notices');
      await kit.createTopics({ topic: notices, partitions: PARTITIONS }, kit.deadLetterTopic);
      const config = {
        kafka: kit.config({ [notices]: { route: 'notify' } }, { emitKafkaEvents: false }),
        // A record the leaving node had claimed but not stored when it stopped is taken
        // over after this (30 s by default, which with the rebalance could outlast the
        // test's wait); the claim is marked applied in the effect's own transaction, so a
        // takeover can never store a record twice.
        idempotency: { pendingTimeoutMs: 2_000 },
      };
      const users = Array.from({ length: USERS }, (_, i) => `group-${kit.id}-${i}`);
      const record = (n: number) => ({ userId: users[n % USERS], type: 'info', title: `n${n}`, message: `record ${n}` });

      const leaving = await startTestServer({ store: db.store, config, manualStop: true });
      let stopped = false;
      onCleanup(() => (stopped ? undefined : leaving.stop()));
      const staying = await startTestServer({ store: db.store, config });
      const ready = async (server: TestServer) => (await server.request('GET', '/ready')).status === 200;
      await waitFor(async () => (await ready(leaving)) && (await ready(staying)), KAFKA_WAIT_MS, 'both nodes in the group');

      /** Every stored notification title of the test's users, with repeats. */
      const stored = async () => {
        const titles: string[] = [];
        for (const user of users) {
          const { body } = await listFor(staying, user, '?limit=100');
          titles.push(...(body.notifications as Notification[]).map((n) => n.title));
        }
        return titles;
      };

      const numbers = (from: number) => Array.from({ length: BATCH }, (_, i) => from + i);
      await kit.produceAcross(notices, PARTITIONS, numbers(0).map(record));
      // Both nodes take part (the group split the partitions), then one stops while
      // the first batch is still being read.
      const routedBy = async (server: TestServer) => {
        const { body } = await server.request('GET', '/metrics');
        const match = new RegExp(
          `switchboard_kafka_records_total\\{topic="${notices.replaceAll('.', '\\.')}",outcome="routed"\\} (\\d+)`,
        ).exec(body);
        return Number(match?.[1] ?? 0);
      };
      await waitFor(
        async () => (await routedBy(leaving)) > 0 && (await routedBy(staying)) > 0,
        KAFKA_WAIT_MS,
        'records routed by both nodes',
      );
      await leaving.stop();
      stopped = true;
      await kit.produceAcross(notices, PARTITIONS, numbers(BATCH).map(record));

      const titles = await waitFor(
        async () => {
          const t = await stored();
          return new Set(t).size >= 2 * BATCH ? t : undefined;
        },
        KAFKA_WAIT_MS,
        'every record stored',
      );
      const counts = new Map<string, number>();
      for (const t of titles) counts.set(t, (counts.get(t) ?? 0) + 1);
      const lost = [...numbers(0), ...numbers(BATCH)].filter((n) => !counts.has(`n${n}`));
      const duplicated = [...counts].filter(([, c]) => c > 1).map(([t]) => t);
      expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });
      for (let p = 0; p < PARTITIONS; p++) {
        // Every partition committed to its end (records spread evenly: 2·BATCH / PARTITIONS each).
        await waitFor(
          async () => (await kit.committedOffset(notices, p)) === String((2 * BATCH) / PARTITIONS),
          KAFKA_WAIT_MS,
          `partition ${p} committed`,
        );
      }
    });
  });
});
