/** The store suite, run against SQLite and PostgreSQL alike. */
import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { SessionsRepo } from '../auth/sessions/sessions-repo.js';
import { migrationsFor } from '../features.js';
import { createStore } from './create-store.js';

describeEachStore('store', (db) => {
  it('migrations are idempotent and the store answers ping', async () => {
    expect(await db.store.migrate(migrationsFor())).toEqual([]);
    await expect(db.store.ping()).resolves.toBeUndefined();
  });

  it('sessions: create, find by token (never by a stored token), revoke once, purge', async () => {
    const repo = new SessionsRepo(db.store);
    const { token, session } = await repo.create(60, { device: 'phone' });
    const found = await repo.findByToken(token);
    expect(found).toMatchObject({ id: session.id, userId: `guest_${session.id}`, metadata: { device: 'phone' }, revokedAt: null });
    expect(typeof found?.expiresAt).toBe('number');
    const row = await db.store.db.selectFrom('sessions').selectAll().where('id', '=', session.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    expect(await repo.revoke(session.id)).toBe(true);
    expect(await repo.revoke(session.id)).toBe(false);
    expect((await repo.findByToken(token))?.revokedAt).toEqual(expect.any(Number));
    const expired = await repo.create(-10);
    expect(await repo.purgeExpired(0)).toBeGreaterThanOrEqual(1);
    expect(await repo.findByToken(expired.token)).toBeUndefined();
  });
});

describe('createStore', () => {
  it('refuses an unknown URL scheme naming the key', () => {
    expect(() => createStore('mysql://x')).toThrow(/database.url/);
  });
});
