/** The bridge's config (`kafka.*`, SWITCHBOARD_KAFKA_BROKERS) and its failure classes. No broker needed (kafka-outage.test.ts covers an unreachable one). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fail } from '../core/errors.js';
import { loadConfig } from '../features.js';
import { isPermanentFailure, UnroutableRecordError } from './record-router.js';

describe('kafka config', () => {
  it('is off by default, with the contract default topics', () => {
    const { kafka } = loadConfig({ env: {} });
    expect(kafka.brokers).toBeUndefined();
    expect(kafka).toMatchObject({
      clientId: 'switchboard',
      groupId: 'switchboard',
      deadLetterTopic: 'switchboard.dead-letter',
      fromBeginning: false,
      emitKafkaEvents: true,
      topics: {
        'notification.send': { route: 'notify' },
        'document.processed': { route: 'notify', template: 'document:processed' },
        'report.ready': { route: 'notify', template: 'report:ready' },
      },
    });
  });

  it('takes the brokers from SWITCHBOARD_KAFKA_BROKERS (comma-separated), over the config file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-kafka-config-')), 'switchboard.json');
    writeFileSync(file, JSON.stringify({ kafka: { brokers: ['file:9092'], groupId: 'app' } }));
    expect(loadConfig({ env: {}, file }).kafka.brokers).toEqual(['file:9092']);
    const { kafka } = loadConfig({ env: { SWITCHBOARD_KAFKA_BROKERS: 'k1:9092, k2:9092' }, file });
    expect(kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(kafka.groupId).toBe('app');
  });

  it('refuses bad routes, templates off notify, unknown templates and a consumed dead-letter topic, naming the key', () => {
    const load = (kafka: unknown) => () => loadConfig({ env: {}, overrides: { kafka } as never });
    expect(load({ topics: { t: { route: 'email' } } })).toThrow(/kafka\.topics\.t\.route: /);
    expect(load({ topics: { t: { route: 'publish', template: 'report:ready' } } })).toThrow(/kafka\.topics\.t\.template: /);
    expect(load({ topics: { t: { route: 'notify', template: 'nope' } } })).toThrow(/kafka\.topics\.t\.template: /);
    expect(load({ topics: { t: { route: 'notify' } }, deadLetterTopic: 't' })).toThrow(/kafka\.deadLetterTopic: /);
    expect(load({ brokers: [] })).toThrow(/kafka\.brokers: /);
  });
});

describe('kafka failure classes', () => {
  it('dead-letters what retrying cannot fix and retries the rest', () => {
    expect(isPermanentFailure(new UnroutableRecordError('value is not JSON'))).toBe(true);
    expect(isPermanentFailure(fail('VALIDATION_FAILED'))).toBe(true);
    expect(isPermanentFailure(fail('NOT_FOUND'))).toBe(true);
    expect(isPermanentFailure(fail('UNAVAILABLE'))).toBe(false);
    // A raw driver error (store connection lost) is an outage, not a bad record.
    expect(isPermanentFailure(new Error('connect ECONNREFUSED'))).toBe(false);
  });
});
