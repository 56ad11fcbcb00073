/**
 * Engine.IO sessions that never send the Socket.IO CONNECT (issue 12: 3,000 of them
 * were held for 45 s). Two bounds: each is closed `connectTimeoutMs` after it opened
 * (discarding what was queued) unless a socket connected on it, and one client IP may
 * hold at most `maxPending` of them at a time: more are refused by Engine.IO's
 * `allowRequest`, before any session is made. Socket.IO's own `connectTimeout` closes
 * gracefully, which on the polling transport waits for the next poll or 30 s more, so
 * it stays behind ours as a backstop; were it first, the transport would be left
 * 'closing' and ours could not end it. Refused handshakes (connect_error) end here too.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket as EngineConnection } from 'engine.io';
import type { SwitchboardServer } from '../realtime/socket-types.js';

export interface PendingSessionOptions {
  timeoutMs: number;
  /** Sessions without CONNECT one address may hold. */
  maxPending: number;
  addressOf(req: IncomingMessage): string;
  /** Counts a refused session. */
  refused(): void;
}

type AllowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;

export function boundSessionsWithoutConnect(io: SwitchboardServer, options: PendingSessionOptions): void {
  io.connectTimeout(options.timeoutMs * 2);
  const pending = new Map<string, number>();
  /**
   * What a pending session holds until it connects or closes (the address it was
   * counted under, read once while its request is live); nothing is kept after that.
   */
  const watches = new WeakMap<object, { address: string; timer: NodeJS.Timeout; onClose: () => void }>();
  const settle = (conn: EngineConnection) => {
    const watch = watches.get(conn);
    if (watch === undefined) return;
    const { address } = watch;
    watches.delete(conn);
    clearTimeout(watch.timer);
    conn.off('close', watch.onClose);
    const left = (pending.get(address) ?? 1) - 1;
    if (left > 0) pending.set(address, left);
    else pending.delete(address);
  };

  const engineOptions = io.engine.opts as { allowRequest?: AllowRequest };
  const allowed = engineOptions.allowRequest;
  engineOptions.allowRequest = (req, callback) => {
    if ((pending.get(options.addressOf(req)) ?? 0) >= options.maxPending) {
      options.refused();
      return callback('Too many sessions without CONNECT from this address', false);
    }
    if (allowed) allowed(req, callback);
    else callback(null, true);
  };

  io.on('connection', (socket) => settle(socket.conn));
  io.engine.on('connection', (conn: EngineConnection) => {
    const address = options.addressOf(conn.request);
    pending.set(address, (pending.get(address) ?? 0) + 1);
    const timer = setTimeout(() => {
      if (watches.has(conn) && conn.readyState === 'open') conn.close(true);
    }, options.timeoutMs);
    timer.unref();
    const onClose = () => settle(conn);
    watches.set(conn, { address, timer, onClose });
    conn.on('close', onClose);
  });
}
