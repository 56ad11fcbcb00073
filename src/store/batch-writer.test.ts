/**
 * The group-commit writer on SQLite and PostgreSQL: concurrent writes share one
 * transaction, a write whose data fails the batch fails alone (the rest are retried
 * one by one and commit), a refusal stays with its write, a store that is gone fails
 * every write with UNAVAILABLE, and the queue bound answers RATE_LIMITED.
 */
import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import type { SessionsTable } from '../auth/sessions/sessions-table.js';
import { fail, SwitchboardError } from '../core/errors.js';
import { migrationsFor } from '../features.js';
import { type BatchSettings, type BatchSpec, BatchWriter, outcome } from './batch-writer.js';
import { createStore } from './create-store.js';

const SETTINGS: BatchSettings = { maxItems: 500, maxDelayMs: 0, maxQueued: 10_000 };

function session(id: string): SessionsTable {
  return { id, token_hash: `hash-${id}`, user_id: `guest_${id}`, metadata: null, created_at: 1, expires_at: 2, revoked_at: null };
}

/** Inserts sessions with one multi-row INSERT; ids starting with "refuse" are refused without writing. */
function sessionSpec(calls: number[][]): BatchSpec<SessionsTable, string> {
  return {
    name: 'test-session',
    async write(trx, rows) {
      calls.push(rows.map((_, i) => i));
      const accepted = rows.filter((r) => !r.id.startsWith('refuse'));
      if (accepted.length > 0) await trx.insertInto('sessions').values(accepted).execute();
      return rows.map((r) => (r.id.startsWith('refuse') ? outcome.refused(fail('FORBIDDEN', `no ${r.id}`)) : outcome.ok(r.id)));
    },
  };
}

describeEachStore('batch writer', (db) => {
  const stored = async (prefix: string) =>
    (await db.store.db.selectFrom('sessions').select('id').where('id', 'like', `${prefix}%`).orderBy('id').execute()).map((r) => r.id);

  it('writes concurrent submissions in one transaction, each settling with its own result', async () => {
    const calls: number[][] = [];
    const writer = new BatchWriter(db.store, sessionSpec(calls), SETTINGS);
    const ids = Array.from({ length: 120 }, (_, i) => `one-${String(i).padStart(3, '0')}`);
    const results = await Promise.all(ids.map((id) => writer.submit(session(id))));
    expect(results).toEqual(ids);
    expect(calls.map((c) => c.length)).toEqual([120]);
    expect(await stored('one-')).toEqual(ids);
  });

  it('a write whose data fails the batch fails alone, with its own error; the others commit', async () => {
    const calls: number[][] = [];
    const writer = new BatchWriter(db.store, sessionSpec(calls), SETTINGS);
    await writer.submit(session('dup-taken'));
    calls.length = 0;
    const ids = ['dup-a', 'dup-b', 'dup-taken', 'dup-c'];
    const settled = await Promise.allSettled(ids.map((id) => writer.submit(session(id))));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const reason = (settled[2] as PromiseRejectedResult).reason as { code?: string };
    // The primary-key violation itself (SQLITE_CONSTRAINT_PRIMARYKEY / 23505), not a batch-wide code.
    expect(String(reason.code)).toMatch(/CONSTRAINT|23505/);
    // One batch, then one retry per write.
    expect(calls.map((c) => c.length)).toEqual([4, 1, 1, 1, 1]);
    expect(await stored('dup-')).toEqual(['dup-a', 'dup-b', 'dup-c', 'dup-taken']);
  });

  it('a refusal stays with its write and fails nothing else', async () => {
    const writer = new BatchWriter(db.store, sessionSpec([]), SETTINGS);
    const settled = await Promise.allSettled(['ref-a', 'refuse-b', 'ref-c'].map((id) => writer.submit(session(id))));
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'ref-a' });
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'FORBIDDEN', message: 'no refuse-b' });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 'ref-c' });
    expect(await stored('ref')).toEqual(['ref-a', 'ref-c']);
  });

  it('splits batches by weight and answers RATE_LIMITED past maxQueued', async () => {
    const calls: number[][] = [];
    const writer = new BatchWriter(db.store, sessionSpec(calls), { maxItems: 3, maxDelayMs: 0, maxQueued: 7 });
    const ids = Array.from({ length: 8 }, (_, i) => `cap-${i}`);
    const settled = await Promise.allSettled(ids.map((id) => writer.submit(session(id))));
    expect(settled.slice(0, 7).every((s) => s.status === 'fulfilled')).toBe(true);
    expect((settled[7] as PromiseRejectedResult).reason).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterMs: expect.any(Number) },
    });
    expect(calls.map((c) => c.length)).toEqual([3, 3, 1]);
  });
});

describe('batch writer without a store', () => {
  it('fails every write of the batch with UNAVAILABLE when the store itself is gone', async () => {
    const store = createStore('sqlite::memory:');
    await store.migrate(migrationsFor());
    const calls: number[][] = [];
    const writer = new BatchWriter(store, sessionSpec(calls), SETTINGS);
    await store.close();
    const settled = await Promise.allSettled(['gone-a', 'gone-b'].map((id) => writer.submit(session(id))));
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(SwitchboardError);
      expect((s as PromiseRejectedResult).reason).toMatchObject({ code: 'UNAVAILABLE' });
    }
    // No retry per write against a store that is down.
    expect(calls.length).toBeLessThanOrEqual(1);
  });
});
