/**
 * Engine.IO sessions that never send the Socket.IO CONNECT (issue 12: 3,000 of them
 * were held for 45 s). Socket.IO's own `connectTimeout` closes them gracefully, which
 * on the polling transport waits for the next poll or 30 s more; this closes them at
 * once, discarding what was queued, `connectTimeoutMs` after the session opened,
 * unless a socket connected on it. Refused handshakes (connect_error) end here too.
 */
import type { SwitchboardServer } from '../realtime/socket-types.js';

export function closeSessionsWithoutConnect(io: SwitchboardServer, timeoutMs: number): void {
  // Socket.IO's own timer (a graceful close) stays behind ours as a backstop: were it
  // first, its close would leave the transport 'closing' and ours could not end it.
  io.connectTimeout(timeoutMs * 2);
  const joined = new WeakSet<object>();
  io.on('connection', (socket) => joined.add(socket.conn));
  io.engine.on('connection', (conn) => {
    const timer = setTimeout(() => {
      if (!joined.has(conn) && conn.readyState === 'open') conn.close(true);
    }, timeoutMs);
    timer.unref();
    conn.once('close', () => clearTimeout(timer));
  });
}
