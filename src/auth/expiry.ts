/**
 * Live credential expiry: `auth:expiring` ahead of time, then, without a refresh,
 * an `error { code: AUTH_EXPIRED }` and a disconnect. `auth:refresh` reschedules.
 */
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { SwitchboardError } from '../core/errors.js';

// setTimeout fires at once for delays over 2^31-1 ms (~24.8 days); a guest session
// lives 30 days by default, so long delays are chained in steps.
const MAX_DELAY = 2_147_483_647;

interface Timers {
  warn?: NodeJS.Timeout;
  expire?: NodeJS.Timeout;
}

const timers = new WeakMap<SwitchboardSocket, Timers>();

function at(epochMs: number, fn: () => void): NodeJS.Timeout {
  const delay = epochMs - Date.now();
  if (delay > MAX_DELAY) return setTimeout(() => at(epochMs, fn), MAX_DELAY);
  return setTimeout(fn, Math.max(0, delay));
}

export function clearExpiry(socket: SwitchboardSocket): void {
  const t = timers.get(socket);
  if (t?.warn) clearTimeout(t.warn);
  if (t?.expire) clearTimeout(t.expire);
  timers.delete(socket);
}

export function scheduleExpiry(ctx: SwitchboardContext, socket: SwitchboardSocket): void {
  clearExpiry(socket);
  const expiresAt = socket.data.expiresAt;
  if (expiresAt === null) return;
  const t: Timers = {};
  const remaining = expiresAt - Date.now();
  // Warn `expiryWarningSeconds` ahead, or half-way for credentials shorter than that.
  const lead = Math.min(ctx.config.auth.expiryWarningSeconds * 1000, Math.floor(remaining / 2));
  t.warn = at(expiresAt - lead, () => {
    if (!socket.connected) return;
    ctx.emitter.counted('auth:expiring');
    socket.emit('auth:expiring', { expiresAt: new Date(expiresAt).toISOString() });
  });
  t.expire = at(expiresAt, () => {
    if (!socket.connected) return;
    ctx.metrics.errors.inc({ code: 'AUTH_EXPIRED' });
    socket.emit('error', new SwitchboardError('AUTH_EXPIRED', 'Credentials expired; reconnect with a new token').toWire());
    // Let the error packet flush before the disconnect packet.
    setImmediate(() => socket.disconnect(true));
  });
  timers.set(socket, t);
}
