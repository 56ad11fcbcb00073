/**
 * Live credential expiry: `auth:expiring` ahead of time, then, without a refresh,
 * an `error { code: AUTH_EXPIRED }` and a disconnect. `auth:refresh` reschedules.
 */
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { SwitchboardError } from '../core/errors.js';

// setTimeout fires at once for delays over 2^31-1 ms (~24.8 days); a guest session
// lives 30 days by default, so long delays are chained in steps.
const MAX_DELAY = 2_147_483_647;

/** A timer for an absolute time, re-armed in steps; `handle` is always the live one. */
interface Alarm {
  handle?: NodeJS.Timeout;
}

interface Timers {
  warn: Alarm;
  expire: Alarm;
}

const timers = new WeakMap<SwitchboardSocket, Timers>();

/**
 * Calls `fn` at `epochMs`. Each re-armed step replaces `alarm.handle`, so clearing the
 * alarm stops it whichever step it is on (a refreshed socket is never cut off at its
 * old expiry, however far away that was).
 */
function at(alarm: Alarm, epochMs: number, fn: () => void): Alarm {
  const delay = epochMs - Date.now();
  alarm.handle = delay > MAX_DELAY ? setTimeout(() => at(alarm, epochMs, fn), MAX_DELAY) : setTimeout(fn, Math.max(0, delay));
  return alarm;
}

export function clearExpiry(socket: SwitchboardSocket): void {
  const t = timers.get(socket);
  clearTimeout(t?.warn.handle);
  clearTimeout(t?.expire.handle);
  timers.delete(socket);
}

export function scheduleExpiry(ctx: SwitchboardContext, socket: SwitchboardSocket): void {
  clearExpiry(socket);
  const expiresAt = socket.data.expiresAt;
  if (expiresAt === null) return;
  const remaining = expiresAt - Date.now();
  // Warn `expiryWarningSeconds` ahead, or half-way for credentials shorter than that.
  const lead = Math.min(ctx.config.auth.expiryWarningSeconds * 1000, Math.floor(remaining / 2));
  const warn = at({}, expiresAt - lead, () => {
    if (!socket.connected) return;
    ctx.emitter.counted('auth:expiring');
    socket.emit('auth:expiring', { expiresAt: new Date(expiresAt).toISOString() });
  });
  const expire = at({}, expiresAt, () => {
    if (!socket.connected) return;
    ctx.metrics.errors.inc({ code: 'AUTH_EXPIRED' });
    socket.emit('error', new SwitchboardError('AUTH_EXPIRED', 'Credentials expired; reconnect with a new token').toWire());
    // Let the error packet flush before the disconnect packet.
    setImmediate(() => socket.disconnect(true));
  });
  timers.set(socket, { warn, expire });
}
