/**
 * Graceful stop: refuse new handshakes, wait for in-flight acks and store writes (up
 * to `shutdownTimeoutMs`), close transports so stock clients reconnect by themselves
 * (to this node once it is back, or to another one), let the disconnect hooks finish,
 * stop services, then undo the start-up steps (presence, Redis, store, listeners).
 */
import type { SwitchboardContext } from '../core/context.js';
import type { Startup } from '../core/startup.js';

export interface ShutdownOptions {
  ctx: SwitchboardContext;
  startup: Startup;
  /** Set first, so the handshake middleware refuses new connections with UNAVAILABLE. */
  markClosing(): void;
}

export function createClose({ ctx, startup, markClosing }: ShutdownOptions): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () => {
    closed ??= (async () => {
      markClosing();
      const { lifecycle, logger, io, config } = ctx;
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const idle = await lifecycle.waitIdle(config.shutdownTimeoutMs);
      if (!idle) logger.warn({ pending: lifecycle.pending }, 'shutdown timed out with work in flight');
      // Closing the transport (not a server-side disconnect) makes stock clients reconnect.
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
      // Disconnect hooks (presence updates) run as tracked work: let them finish.
      await lifecycle.waitIdle(Math.max(0, deadline - Date.now()));
      await startup.unwind();
    })();
    return closed;
  };
}
