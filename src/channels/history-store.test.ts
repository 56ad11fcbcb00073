/** The offsets, history and membership queries, on SQLite and PostgreSQL alike. */
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { HistoryRepo } from './history-repo.js';
import { MembersRepo } from './members-repo.js';

const item = (event: string, createdAt = Date.now()) => ({ event, data: JSON.stringify({ event }), createdAt });

describeEachStore('channel store queries', (db) => {
  it('assigns consecutive offsets per channel, batches included, starting at 1', async () => {
    const repo = new HistoryRepo(db.store);
    expect(await repo.lastOffset('a:1')).toBe(0);
    expect(await repo.append('a:1', 'a', [item('x')])).toBe(1);
    expect(await repo.append('a:1', 'a', [item('y'), item('z')])).toBe(2);
    expect(await repo.append('a:2', 'a', [item('x')])).toBe(1);
    expect(await repo.lastOffset('a:1')).toBe(3);
  });

  it('never gives two concurrent publishers the same offset (4 × 50 on one channel)', async () => {
    const repo = new HistoryRepo(db.store);
    const publisher = async () => {
      const got: number[] = [];
      for (let i = 0; i < 50; i++) got.push(await repo.append('busy:1', 'busy', [item(`e${i}`)]));
      return got;
    };
    const offsets = (await Promise.all([publisher(), publisher(), publisher(), publisher()])).flat();
    expect(offsets.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const page = await repo.read('busy:1', { since: 0, size: 1000 });
    expect(page.publications.map((p) => p.offset)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('reads after `since` in order and says whether history reaches back that far', async () => {
    const repo = new HistoryRepo(db.store);
    await repo.append('r:1', 'r', [item('1'), item('2'), item('3'), item('4'), item('5')]);
    const all = await repo.read('r:1', { since: 0, size: 10 });
    expect(all).toMatchObject({ lastOffset: 5, recovered: true, hasMore: false });
    expect(all.publications.map((p) => [p.offset, p.event, JSON.parse(p.data)])).toEqual([
      [1, '1', { event: '1' }],
      [2, '2', { event: '2' }],
      [3, '3', { event: '3' }],
      [4, '4', { event: '4' }],
      [5, '5', { event: '5' }],
    ]);
    expect(await repo.read('r:1', { since: 5, size: 10 })).toMatchObject({ recovered: true, publications: [] });
    expect((await repo.read('r:1', { since: 6, size: 10 })).recovered).toBe(false);
    // size 3 keeps offsets 3..5: since 2 is recoverable, since 1 is not.
    expect(await repo.read('r:1', { since: 2, size: 3 })).toMatchObject({
      recovered: true,
      publications: [{ offset: 3 }, { offset: 4 }, { offset: 5 }],
    });
    expect(await repo.read('r:1', { since: 1, size: 3 })).toMatchObject({
      recovered: false,
      publications: [{ offset: 3 }, { offset: 4 }, { offset: 5 }],
    });
    const page = await repo.read('r:1', { since: 0, size: 10, limit: 2 });
    expect(page.publications.map((p) => p.offset)).toEqual([1, 2]);
    expect(page.hasMore).toBe(true);
    expect(await repo.read('never:1', { since: 0, size: 10 })).toEqual({
      lastOffset: 0,
      publications: [],
      hasMore: false,
      recovered: true,
    });
    expect((await repo.read('never:1', { since: 3, size: 10 })).recovered).toBe(false);
  });

  it('trims by size and by TTL, and reads ignore expired rows before any trim', async () => {
    const repo = new HistoryRepo(db.store);
    const now = Date.now();
    const old = now - 120_000;
    await repo.append('t:1', 't', [item('1', old), item('2', old), item('3', now), item('4', now), item('5', now)]);
    const fresh = await repo.read('t:1', { since: 0, size: 10, ttlMs: 60_000, now });
    expect(fresh).toMatchObject({ recovered: false, publications: [{ offset: 3 }, { offset: 4 }, { offset: 5 }] });
    expect((await repo.read('t:1', { since: 2, size: 10, ttlMs: 60_000, now })).recovered).toBe(true);

    expect(await repo.trimChannel('t:1', { size: 4 }, now)).toBe(1); // offset 1
    expect(await repo.trimExpired('t', 60_000, now)).toBe(1); // offset 2
    expect(await repo.trimChannel('t:1', { size: 2, ttlMs: 60_000 }, now)).toBe(1); // offset 3
    const rows = await db.store.db
      .selectFrom('channel_publications')
      .select('pub_offset')
      .where('channel', '=', 't:1')
      .orderBy('pub_offset')
      .execute();
    expect(rows.map((r) => Number(r.pub_offset))).toEqual([4, 5]);
    // Offsets continue after a trim.
    expect(await repo.append('t:1', 't', [item('6')])).toBe(6);
  });

  it('keeps channel members', async () => {
    const members = new MembersRepo(db.store);
    expect(await members.isMember('trip:1', 'u1')).toBe(false);
    expect(await members.add('trip:1', 'u1')).toBe(true);
    expect(await members.add('trip:1', 'u1')).toBe(false);
    expect(await members.isMember('trip:1', 'u1')).toBe(true);
    expect(await members.isMember('trip:2', 'u1')).toBe(false);
    expect(await members.remove('trip:1', 'u1')).toBe(true);
    expect(await members.remove('trip:1', 'u1')).toBe(false);
    expect(await members.isMember('trip:1', 'u1')).toBe(false);
  });
});
