/** The checker counts exactly what it claims: loss, duplicates and disorder inside each subscriber's window. */
import { describe, expect, it } from 'vitest';
import { DeliveryChecker, formatReport } from './delivery-checker.js';

function ackRange(checker: DeliveryChecker, stream: string, from: number, to: number): void {
  for (let seq = from; seq <= to; seq++) checker.acknowledged(stream, seq);
}

describe('delivery checker', () => {
  it('a clean run: every acknowledged item once, in order, for every subscriber', () => {
    const checker = new DeliveryChecker();
    ackRange(checker, 'trip:1', 1, 100);
    for (const name of ['a', 'b', 'c']) {
      const log = checker.subscriber(name);
      log.from('trip:1', 0);
      for (let seq = 1; seq <= 100; seq++) log.received('trip:1', seq);
    }
    expect(checker.report()).toMatchObject({
      acknowledged: 100,
      subscribers: 3,
      expected: 300,
      delivered: 300,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unacknowledged: 0,
    });
  });

  it('counts lost, duplicated and out-of-order deliveries per subscriber, with samples', () => {
    const checker = new DeliveryChecker();
    ackRange(checker, 's', 1, 10);
    const log = checker.subscriber('x');
    log.from('s', 0);
    for (const seq of [1, 2, 4, 3, 3, 5, 6, 9, 10, 1]) log.received('s', seq);
    const report = checker.report();
    // 7 and 8 never came; 3 and 1 came twice; 3 (after 4) and 1 (after 10) were late.
    expect(report).toMatchObject({ expected: 10, delivered: 10, lost: 2, duplicated: 2, outOfOrder: 3, maxOutOfOrderDistance: 9 });
    expect(report.perSubscriber[0]).toMatchObject({
      lostSample: ['s#7', 's#8'],
      outOfOrderSample: ['s#3 after 4', 's#3 after 4', 's#1 after 10'],
    });
  });

  it('expects only what falls inside the window: after `from`, up to `until`', () => {
    const checker = new DeliveryChecker();
    ackRange(checker, 's', 1, 20);
    const late = checker.subscriber('joined at 10');
    late.from('s', 10);
    for (let seq = 11; seq <= 20; seq++) late.received('s', seq);
    const left = checker.subscriber('left at 5');
    left.from('s', 0);
    left.until('s', 5);
    for (let seq = 1; seq <= 5; seq++) left.received('s', seq);
    // A resubscribe with a later `since` does not narrow the window.
    late.from('s', 15);
    expect(checker.report()).toMatchObject({ expected: 15, delivered: 15, lost: 0, duplicated: 0, outOfOrder: 0 });
  });

  it('items received but never acknowledged are reported apart, not as errors', () => {
    const checker = new DeliveryChecker();
    ackRange(checker, 's', 1, 3);
    const log = checker.subscriber('x');
    log.from('s', 0);
    for (const seq of [1, 2, 3, 4]) log.received('s', seq);
    expect(checker.report()).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, unacknowledged: 1 });
  });

  it('streams are independent, and unordered streams (ids) are checked for loss and duplicates only', () => {
    const checker = new DeliveryChecker().stream('inbox:u1', { ordered: false });
    ackRange(checker, 'a', 1, 3);
    ackRange(checker, 'b', 1, 3);
    for (const id of ['n1', 'n2', 'n3']) checker.acknowledged('inbox:u1', id);
    const log = checker.subscriber('x');
    log.from('a', 0);
    log.from('b', 0);
    log.from('inbox:u1', 0);
    // Interleaving streams is no disorder; neither is any order of ids.
    for (const [stream, seq] of [
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 2],
      ['a', 3],
      ['b', 3],
    ] as const)
      log.received(stream, seq);
    for (const id of ['n3', 'n1', 'n1']) log.received('inbox:u1', id);
    expect(checker.report()).toMatchObject({ expected: 9, lost: 1, duplicated: 1, outOfOrder: 0 });
    expect(checker.report().perSubscriber[0]?.lostSample).toEqual(['inbox:u1#n2']);
  });

  it('random interleavings: the counts match the faults injected', () => {
    // A fixed-seed generator: the run is the same every time.
    let state = 0x2545f491;
    const random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    for (let round = 0; round < 50; round++) {
      const checker = new DeliveryChecker();
      const n = 50 + Math.floor(random() * 200);
      ackRange(checker, 's', 1, n);
      const log = checker.subscriber('x');
      log.from('s', 0);
      let lost = 0;
      let duplicated = 0;
      let outOfOrder = 0;
      let held: number | undefined;
      for (let seq = 1; seq <= n; seq++) {
        const roll = random();
        if (roll < 0.05) {
          lost++;
          continue;
        }
        if (roll < 0.1 && held === undefined) {
          held = seq; // delivered after the next one: one late delivery
          continue;
        }
        log.received('s', seq);
        if (held !== undefined) {
          log.received('s', held);
          outOfOrder++;
          held = undefined;
        }
        if (roll > 0.95) {
          log.received('s', seq);
          duplicated++;
        }
      }
      if (held !== undefined) lost++;
      const report = checker.report();
      expect({ lost: report.lost, duplicated: report.duplicated, outOfOrder: report.outOfOrder }).toEqual({ lost, duplicated, outOfOrder });
    }
  });

  it('formats one line of figures', () => {
    const checker = new DeliveryChecker();
    checker.acknowledged('s', 1);
    checker.subscriber('x').from('s', 0);
    expect(formatReport('demo', checker.report())).toBe(
      '[checker] demo: acknowledged=1 subscribers=1 expected=1 delivered=0 lost=1 duplicated=0 outOfOrder=0 (max 0 back) unacknowledged=0',
    );
  });
});
