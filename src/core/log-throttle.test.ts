/** The log throttle: the first line of a series, then one per interval with the count it stands for. */
import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  it('logs the first occurrence, counts the repeats within the interval, and reports them on the next logged one', () => {
    let now = 0;
    const throttle = new LogThrottle({ intervalMs: 1000, now: () => now });
    expect(throttle.take('down')).toEqual({ log: true, suppressed: 0 });
    now = 10;
    expect(throttle.take('down')).toEqual({ log: false, suppressed: 1 });
    now = 999;
    expect(throttle.take('down')).toEqual({ log: false, suppressed: 2 });
    now = 1000;
    expect(throttle.take('down')).toEqual({ log: true, suppressed: 2 });
    now = 1500;
    expect(throttle.take('down')).toEqual({ log: false, suppressed: 1 });
  });

  it('keeps keys apart, and reset() ends a series, returning what it never logged', () => {
    const throttle = new LogThrottle({ intervalMs: 1000, now: () => 0 });
    throttle.take('a');
    throttle.take('a');
    throttle.take('a');
    expect(throttle.take('b')).toEqual({ log: true, suppressed: 0 });
    expect(throttle.reset('a')).toBe(2);
    expect(throttle.take('a')).toEqual({ log: true, suppressed: 0 });
    expect(throttle.reset('never')).toBe(0);
  });

  it('remembers at most maxKeys keys, forgetting the oldest (keys may be client addresses)', () => {
    const throttle = new LogThrottle({ intervalMs: 1000, now: () => 0, maxKeys: 2 });
    throttle.take('a');
    throttle.take('b');
    throttle.take('c');
    expect(throttle.take('b')).toEqual({ log: false, suppressed: 1 });
    expect(throttle.take('a')).toEqual({ log: true, suppressed: 0 });
  });
});
