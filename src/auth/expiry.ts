/**
 * Live credential expiry: `auth:expiring` ahead of time, then, without a refresh,
 * an `error { code: AUTH_EXPIRED }` and a disconnect. `auth:refresh` reschedules.
 *
 * Sockets share timers (issue 10): two timers per socket were a tenth of an idle
 * connection's heap. Deadlines are grouped into 100 ms slots, each slot one timer
 * and one Set of sockets, and a slot's time is rounded up, so nothing fires early:
 * an expiry happens at most 100 ms after the credential's `exp`.
 */
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { SwitchboardError } from '../core/errors.js';

/** Width of a slot: deadlines within it share one timer. */
const SLOT_MS = 100;
// setTimeout fires at once for delays over 2^31-1 ms (~24.8 days); a guest session
// lives 30 days by default, so long delays are chained in steps.
const MAX_DELAY = 2_147_483_647;

type Kind = 'warn' | 'expire';

interface Slot {
  sockets: Set<SwitchboardSocket>;
  timer: NodeJS.Timeout;
}

/** Per-process slots for each kind; a socket sits in at most one slot of each. */
const slots: Record<Kind, Map<number, Slot>> = { warn: new Map(), expire: new Map() };
/** The slot each socket is in, per kind, and the context that scheduled it. */
const placed = new WeakMap<SwitchboardSocket, { ctx: SwitchboardContext; warn?: number; expire?: number }>();

function fire(kind: Kind, socket: SwitchboardSocket, ctx: SwitchboardContext): void {
  if (!socket.connected) return;
  const expiresAt = socket.data.expiresAt;
  if (expiresAt === null) return;
  if (kind === 'warn') {
    ctx.emitter.counted('auth:expiring');
    socket.emit('auth:expiring', { expiresAt: new Date(expiresAt).toISOString() });
    return;
  }
  ctx.metrics.errors.inc({ code: 'AUTH_EXPIRED' });
  socket.emit('error', new SwitchboardError('AUTH_EXPIRED', 'Credentials expired; reconnect with a new token').toWire());
  // Let the error packet flush before the disconnect packet.
  setImmediate(() => socket.disconnect(true));
}

/** A timer for `at`; far deadlines re-arm in steps, updating the slot's handle so it can be cleared. */
function arm(kind: Kind, at: number, run: () => void): NodeJS.Timeout {
  const delay = at - Date.now();
  const step = () => {
    const slot = slots[kind].get(at);
    if (slot) slot.timer = arm(kind, at, run);
  };
  // Open sockets keep the process alive; a pending expiry need not.
  return setTimeout(delay > MAX_DELAY ? step : run, Math.min(MAX_DELAY, Math.max(0, delay))).unref();
}

function place(kind: Kind, socket: SwitchboardSocket, epochMs: number): number {
  const at = Math.ceil(epochMs / SLOT_MS) * SLOT_MS;
  let slot = slots[kind].get(at);
  if (!slot) {
    const timer = arm(kind, at, () => {
      const due = slots[kind].get(at);
      slots[kind].delete(at);
      for (const s of due?.sockets ?? []) {
        const entry = placed.get(s);
        if (!entry) continue;
        entry[kind] = undefined;
        fire(kind, s, entry.ctx);
      }
    });
    slot = { sockets: new Set(), timer };
    slots[kind].set(at, slot);
  }
  slot.sockets.add(socket);
  return at;
}

function unplace(kind: Kind, socket: SwitchboardSocket, at: number | undefined): void {
  if (at === undefined) return;
  const slot = slots[kind].get(at);
  if (!slot) return;
  slot.sockets.delete(socket);
  if (slot.sockets.size === 0) {
    clearTimeout(slot.timer);
    slots[kind].delete(at);
  }
}

export function clearExpiry(socket: SwitchboardSocket): void {
  const entry = placed.get(socket);
  if (!entry) return;
  unplace('warn', socket, entry.warn);
  unplace('expire', socket, entry.expire);
  placed.delete(socket);
}

export function scheduleExpiry(ctx: SwitchboardContext, socket: SwitchboardSocket): void {
  clearExpiry(socket);
  const expiresAt = socket.data.expiresAt;
  if (expiresAt === null) return;
  const remaining = expiresAt - Date.now();
  // Warn `expiryWarningSeconds` ahead, or half-way for credentials shorter than that.
  const lead = Math.min(ctx.config.auth.expiryWarningSeconds * 1000, Math.floor(remaining / 2));
  placed.set(socket, { ctx, warn: place('warn', socket, expiresAt - lead), expire: place('expire', socket, expiresAt) });
}
