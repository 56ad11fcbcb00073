/**
 * The per-node sequencer of channel-sequencer.ts against a real history in the store:
 * in-order delivery, hold-back of early offsets, duplicates dropped, gaps and lost
 * tails filled from the store, rows the store no longer holds skipped, positioning
 * from the store's newest offset.
 */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { waitFor } from '../../test/support/wait.js';
import type { Publication } from '../protocol/shapes.js';
import { Sequencers } from './channel-sequencer.js';
import { HistoryRepo, toPublication } from './history-repo.js';

const RETENTION = { size: 1000 };

describeEachStore('channel sequencer', (db) => {
  let n = 0;
  /** A channel of the test's own with `count` stored publications; returns them. */
  async function stored(count: number): Promise<{ channel: string; publications: Publication[]; history: HistoryRepo }> {
    const history = new HistoryRepo(db.store);
    const channel = `seq:${++n}-${Date.now()}`;
    const items = Array.from({ length: count }, (_, i) => ({ event: 'e', data: JSON.stringify({ i: i + 1 }), createdAt: Date.now() }));
    await history.append(channel, 'seq', items);
    const page = await history.read(channel, { ...RETENTION, since: 0 });
    return { channel, history, publications: page.publications.map((row) => toPublication(channel, row)) };
  }

  function sequencers(history: HistoryRepo, members = true) {
    const delivered: number[] = [];
    const seq = new Sequencers({
      history,
      logger: pino({ level: 'silent' }),
      gapHoldMs: 20,
      retentionOf: () => RETENTION,
      hasLocalMembers: () => members,
      deliver: (publication) => delivered.push(publication.offset),
    });
    return { seq, delivered };
  }

  it('delivers in offset order: early offsets wait for the missing one, duplicates are dropped', async () => {
    const { channel, history, publications: p } = await stored(5);
    const { seq, delivered } = sequencers(history);
    const position = await seq.acquire(channel);
    seq.release(position);
    expect(position.delivered).toBe(5);
    // Five more, arriving out of order and twice.
    const more = await history.append(
      channel,
      'seq',
      Array.from({ length: 5 }, () => ({ event: 'e', data: '{}', createdAt: Date.now() })),
    );
    const at = (offset: number): Publication => ({ ...(p[0] as Publication), offset });
    for (const offset of [more + 1, more, more + 1, more + 3, more + 2, more + 4, more]) seq.offer(at(offset));
    expect(delivered).toEqual([6, 7, 8, 9, 10]);
    seq.close();
  });

  it('fills a gap that does not close from the store, in order, and drops the late arrival', async () => {
    const { history, publications } = await stored(6);
    const { seq, delivered } = sequencers(history);
    // A room joined without a subscribe: positioned at the first arrival.
    seq.offer(publications[0] as Publication);
    for (const i of [3, 5]) seq.offer(publications[i] as Publication); // offsets 4 and 6; 2, 3 and 5 were lost
    expect(delivered).toEqual([1]);
    await waitFor(() => delivered.length === 6, 5000, 'the gap filled');
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    seq.offer(publications[1] as Publication);
    expect(delivered).toHaveLength(6);
    seq.close();
  });

  it('the position check finds a lost tail (nothing later revealed it) and fills it', async () => {
    const { channel, history } = await stored(3);
    const { seq, delivered } = sequencers(history);
    seq.release(await seq.acquire(channel));
    await history.append(channel, 'seq', [{ event: 'e', data: '{}', createdAt: Date.now() }]);
    await history.append(channel, 'seq', [{ event: 'e', data: '{}', createdAt: Date.now() }]);
    await seq.checkPositions((channels) => history.lastOffsets(channels));
    await waitFor(() => delivered.length === 2, 5000, 'the tail filled');
    expect(delivered).toEqual([4, 5]);
    seq.close();
  });

  it('skips offsets the store no longer holds', async () => {
    const { channel, history, publications } = await stored(8);
    await history.trimChannel(channel, { size: 3 }); // keeps 6, 7, 8
    const { seq, delivered } = sequencers(history);
    seq.offer(publications[0] as Publication);
    seq.offer(publications[7] as Publication);
    await waitFor(() => delivered.length >= 4, 5000, 'the gap filled');
    expect(delivered).toEqual([1, 6, 7, 8]);
    seq.close();
  });

  it('keeps no state for a channel without sockets here, and forgets one whose room emptied', async () => {
    const { channel, history, publications } = await stored(2);
    const { seq, delivered } = sequencers(history, false);
    seq.offer(publications[0] as Publication);
    expect([seq.size, delivered]).toEqual([0, []]);
    const held = await seq.acquire(channel);
    expect(seq.size).toBe(1);
    seq.release(held);
    expect(seq.size).toBe(0);
  });
});
