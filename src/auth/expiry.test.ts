/**
 * Live expiry past setTimeout's ~24.8-day limit: the alarms are re-armed in steps, and
 * a refresh after a re-arm still cancels the old expiry. Fake timers stand in for the
 * weeks (the socket-level behaviour is covered against a real server in refresh.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { clearExpiry, scheduleExpiry } from './expiry.js';

const DAY = 86_400_000;

function fakeSocket(expiresAt: number) {
  const emitted: string[] = [];
  const socket = {
    connected: true,
    data: { expiresAt },
    emit: (event: string) => emitted.push(event),
    disconnect: vi.fn(),
  };
  return { socket: socket as unknown as SwitchboardSocket, emitted, disconnect: socket.disconnect };
}

const ctx = {
  config: { auth: { expiryWarningSeconds: 60 } },
  emitter: { counted: () => {} },
  metrics: { errors: { inc: () => {} } },
} as unknown as SwitchboardContext;

describe('live expiry timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a refresh after the first re-arm cancels the old expiry 40 days out', () => {
    vi.useFakeTimers();
    const { socket, emitted, disconnect } = fakeSocket(Date.now() + 40 * DAY);
    scheduleExpiry(ctx, socket);
    vi.advanceTimersByTime(26 * DAY); // past one 24.8-day step: the alarms were re-armed
    socket.data.expiresAt = Date.now() + 80 * DAY;
    scheduleExpiry(ctx, socket); // auth:refresh
    vi.advanceTimersByTime(20 * DAY); // past the old expiry
    expect(emitted).toEqual([]);
    expect(disconnect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(61 * DAY); // past the new one (106 days after the start)
    expect(emitted).toEqual(['auth:expiring', 'error']);
    clearExpiry(socket);
  });

  it('clearExpiry stops alarms on any step', () => {
    vi.useFakeTimers();
    const { socket, emitted } = fakeSocket(Date.now() + 30 * DAY);
    scheduleExpiry(ctx, socket);
    vi.advanceTimersByTime(25 * DAY);
    clearExpiry(socket);
    vi.advanceTimersByTime(10 * DAY);
    expect(emitted).toEqual([]);
  });
});
