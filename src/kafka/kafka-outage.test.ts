/**
 * Broker outages are degraded service, never a crash or a flood (issues 11, 13):
 * one log line when the brokers are lost, one when they are back, /ready reports
 * the state meanwhile, and the bridge reconnects by itself and goes on consuming.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextEvent } from '../../test/support/client.js';
import { KAFKA_WAIT_MS, kafkaTestKit } from '../../test/support/kafka.js';
import { startOwnKafkaBroker } from '../../test/support/kafka-broker.js';
import { captureLogs } from '../../test/support/logs.js';
import { waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { kafkaUnavailable } from '../../test/support/services.js';
import type { Notification } from '../protocol/shapes.js';

const kafkaReason = await kafkaUnavailable();

/** The `kafka` check of GET /ready, with the failed attempts its error counts. */
async function kafkaCheck(server: TestServer): Promise<{ status: number; ok: boolean; error?: string; failedAttempts: number }> {
  const res = await server.request('GET', '/ready');
  const check = res.body.checks.kafka as { ok: boolean; error?: string };
  const failedAttempts = Number(/\((\d+) failed attempts\)/.exec(check.error ?? '')?.[1] ?? 0);
  return { status: res.status, ...check, failedAttempts };
}

/** The kafka check once it counts at least `count` failed attempts. */
function failedAttempts(server: TestServer, count: number) {
  return waitFor(
    async () => {
      const c = await kafkaCheck(server);
      return c.failedAttempts >= count ? c : undefined;
    },
    KAFKA_WAIT_MS,
    `${count} failed attempts`,
  );
}

// Any rejection nobody handled (a client library's timer, a stream error without a
// listener) would end a production process; here it fails the test.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('Kafka bridge with no broker to reach', () => {
  it('logs one line for many failed attempts, /ready counts them, and sockets are served meanwhile', async () => {
    const logs = captureLogs();
    // Nothing listens on port 1 of loopback: every attempt is refused at once.
    const server = await startTestServer({
      logger: logs.logger,
      config: { kafka: { brokers: ['127.0.0.1:1'], retryInitialMs: 20, retryMaxMs: 50 } },
    });
    const check = await failedAttempts(server, 10);
    expect(check).toMatchObject({ status: 503, ok: false, error: expect.stringMatching(/^Kafka unreachable since .*ECONNREFUSED/) });
    const kafkaLines = logs.lines.filter((l) => l.component === 'kafka-bridge');
    expect(kafkaLines.map((l) => l.msg)).toEqual(['Kafka unreachable; connecting in the background']);
    expect(kafkaLines[0]).toMatchObject({ level: 40, reason: expect.stringContaining('ECONNREFUSED') });
    const { connected } = await server.connect('42');
    expect(connected.userId).toBe('42');
  });
});

describe.skipIf(kafkaReason !== undefined)('Kafka bridge through a broker outage', { timeout: 300_000 }, () => {
  it('logs the loss and the return once each, reports it on /ready, reconnects by itself and consumes on', async () => {
    const broker = await startOwnKafkaBroker();
    const kit = kafkaTestKit({ brokers: broker.brokers });
    const notices = kit.topic('notices');
    await kit.createTopics(notices, kit.deadLetterTopic);
    const logs = captureLogs();
    const server = await startTestServer({
      logger: logs.logger,
      config: { kafka: kit.config({ [notices]: { route: 'notify' } }, { retryInitialMs: 50, retryMaxMs: 200 }) },
    });
    const { socket } = await server.connect('7');
    const notice = (title: string) => ({ userId: '7', type: 'info', title, message: title });

    const first = nextEvent<Notification>(socket, 'notification', KAFKA_WAIT_MS);
    // A dead letter before and after: the producer too comes back by itself.
    await kit.produce(notices, 'not json, before', notice('before the outage'));
    expect((await first).title).toBe('before the outage');
    expect(await kafkaCheck(server)).toMatchObject({ status: 200, ok: true });

    const linesBefore = logs.lines.length;
    await broker.stop();
    const down = await failedAttempts(server, 10);
    expect(down).toMatchObject({ status: 503, ok: false, error: expect.stringMatching(/^Kafka unreachable since /) });
    // Still serving: a new connection during the outage is welcomed.
    const during = await server.connect('8');
    expect(during.connected.userId).toBe('8');

    await broker.start();
    await waitFor(async () => (await kafkaCheck(server)).ok, KAFKA_WAIT_MS, 'kafka ready again');
    // The bridge's lines from the loss to the return (the outage also saw user 8's
    // handshake line).
    const outage = logs.lines.slice(linesBefore).filter((l) => l.component === 'kafka-bridge');
    const messages = outage.map((l) => l.msg);
    expect(messages.filter((m) => m === 'Kafka connection lost; reconnecting in the background')).toHaveLength(1);
    expect(messages.filter((m) => m === 'Kafka reachable again; consuming')).toHaveLength(1);
    // Two state changes, and at most one throttled "still unreachable" line per
    // minute of outage; a line per failed attempt would be at least 10.
    const minutes = Math.ceil((Date.now() - (outage[0]?.time as number)) / 60_000);
    expect(outage.length).toBeLessThanOrEqual(2 + minutes);
    expect(outage.find((l) => l.msg === 'Kafka reachable again; consuming')).toMatchObject({
      level: 30,
      failedAttempts: expect.any(Number),
      downForMs: expect.any(Number),
    });
    expect(outage[0]).toMatchObject({ level: 40, reason: expect.any(String) });

    const second = nextEvent<Notification>(socket, 'notification', KAFKA_WAIT_MS);
    await kit.produce(notices, 'not json, after', notice('after the outage'));
    expect((await second).title).toBe('after the outage');
    expect((await kit.read(kit.deadLetterTopic, 2)).map((r) => r.value)).toEqual(['not json, before', 'not json, after']);
  });
});
