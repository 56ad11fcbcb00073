/**
 * The domain-event bus: without a sink every call is a no-op and a single-statement
 * spec stays single-statement; with one, a batch's events are stored in the batch's own
 * transaction, so when storing them fails, the effect is rolled back with them.
 */
import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import type { SessionsTable } from '../auth/sessions/sessions-table.js';
import { type BatchSpec, BatchWriter, outcome } from '../store/batch-writer.js';
import { createDomainEvents, type DomainEvent, type DomainEventSink } from './domain-events.js';

const SETTINGS = { maxItems: 500, maxDelayMs: 0, maxQueued: 1000 };

const sessions: BatchSpec<SessionsTable, string> = {
  name: 'test-session',
  singleStatement: () => true,
  async write(trx, rows) {
    await trx.insertInto('sessions').values(rows).execute();
    return rows.map((r) => outcome.ok(r.id));
  },
};

function session(id: string): SessionsTable {
  return { id, token_hash: `hash-${id}`, user_id: id, metadata: null, created_at: 1, expires_at: 2, revoked_at: null };
}

const toEvents = (items: readonly SessionsTable[]): DomainEvent[] =>
  items.map((row) => ({ type: 'user.online', data: { userId: row.user_id, status: 'online' } }));

function sink(record: DomainEventSink['record']): DomainEventSink {
  return { wants: (type) => type === 'user.online', record, store: async () => {} };
}

describe('domain events without a sink', () => {
  it('change nothing', async () => {
    const bus = createDomainEvents();
    expect(bus.wants('user.online')).toBe(false);
    await bus.emit('user.online', { userId: 'u', status: 'online' });
    const wrapped = bus.withEvents(sessions, ['user.online'], toEvents);
    expect(wrapped.singleStatement?.([session('a')])).toBe(true);
  });
});

describeEachStore('domain events in a batch transaction', (db) => {
  const stored = async (prefix: string) =>
    (await db.store.db.selectFrom('sessions').select('id').where('id', 'like', `${prefix}%`).execute()).map((r) => r.id);

  it('are recorded in the transaction of the batch, only of the types an endpoint wants', async () => {
    const bus = createDomainEvents();
    const recorded: DomainEvent[] = [];
    bus.attach(
      sink(async (trx, events) => {
        // Inside the batch's transaction: the batch's own rows are visible here.
        expect((await trx.selectFrom('sessions').select('id').where('id', 'like', 'ok-%').execute()).length).toBe(2);
        recorded.push(...events);
      }),
    );
    const wrapped = bus.withEvents(sessions, ['user.online'], (items) => [
      ...toEvents(items),
      { type: 'channel.occupied', data: { channel: 'not-wanted' } },
    ]);
    expect(wrapped.singleStatement?.([session('a')])).toBe(false);
    const writer = new BatchWriter(db.store, wrapped, SETTINGS);
    await Promise.all([writer.submit(session('ok-1')), writer.submit(session('ok-2'))]);
    expect(recorded.map((e) => e.type)).toEqual(['user.online', 'user.online']);
    expect(await stored('ok-')).toHaveLength(2);
  });

  it('roll the effect back when they cannot be stored', async () => {
    const bus = createDomainEvents();
    bus.attach(
      sink(async () => {
        throw new Error('outbox unavailable');
      }),
    );
    const writer = new BatchWriter(db.store, bus.withEvents(sessions, ['user.online'], toEvents), SETTINGS);
    await expect(writer.submit(session('gone-1'))).rejects.toThrow();
    expect(await stored('gone-')).toEqual([]);
  });
});
