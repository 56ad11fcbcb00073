/**
 * Back-pressure for publishers (issue 10). A publisher that outruns the sockets (an
 * app backend calling POST /api/publish flat out) would otherwise grow every
 * socket's send queue without bound: memory climbs and every later publication
 * waits behind the backlog. Before a publication is stored and broadcast, the
 * channel's sockets on this node are asked how many packets they hold that their
 * transport has not taken yet (engine.io's `writeBuffer`, which fills while the
 * kernel's socket buffer is full). While that is above `maxQueuedPerSocket` on
 * average, the publish waits (an HTTP caller's request stays open, which slows it
 * down); after `maxWaitMs` it is refused with RATE_LIMITED and `retryAfterMs`.
 *
 * The average, not the worst socket, decides: one stalled client (which the
 * heartbeat disconnects in time) must not hold a whole channel back. The reading
 * is cached for a millisecond, so a burst of publishes pays for one walk over the
 * room. With several nodes each node guards its own sockets.
 */
import type { SwitchboardServer } from '../core/context.js';
import { fail } from '../core/errors.js';
import type { DeliveryConfig } from './delivery-config.js';

/**
 * Packets engine.io holds for a connection until its transport is writable again.
 * `writeBuffer` is typed private but has been engine.io's send queue through 6.x;
 * it is only read here, and a build without it reads as "not behind".
 */
function queuedPackets(conn: unknown): number {
  return (conn as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

/** How often a waiting publish looks again. */
const POLL_MS = 5;
const CACHE_MS = 1;

export class Backpressure {
  private readonly readings = new Map<string, { at: number; average: number }>();

  constructor(
    private readonly io: SwitchboardServer,
    private readonly settings: DeliveryConfig,
  ) {}

  /** Packets queued per socket of `room` on this node, on average (0 for an empty room). */
  queuedPerSocket(room: string): number {
    const now = performance.now();
    const cached = this.readings.get(room);
    if (cached && now - cached.at < CACHE_MS) return cached.average;
    const namespace = this.io.of('/');
    const ids = namespace.adapter.rooms.get(room);
    let queued = 0;
    let sockets = 0;
    for (const id of ids ?? []) {
      const socket = namespace.sockets.get(id);
      if (!socket) continue;
      sockets++;
      queued += queuedPackets(socket.conn);
    }
    const average = sockets === 0 ? 0 : queued / sockets;
    if (this.readings.size > 10_000) this.readings.clear();
    this.readings.set(room, { at: now, average });
    return average;
  }

  /**
   * Undefined when `room` can take another publication now (the common case costs
   * no promise); otherwise a promise that resolves once it can, or rejects with
   * RATE_LIMITED after `maxWaitMs`.
   */
  admit(room: string): Promise<void> | undefined {
    const { maxQueuedPerSocket } = this.settings;
    if (maxQueuedPerSocket === 0 || this.queuedPerSocket(room) <= maxQueuedPerSocket) return undefined;
    return this.wait(room);
  }

  private async wait(room: string): Promise<void> {
    const { maxQueuedPerSocket, maxWaitMs } = this.settings;
    const deadline = performance.now() + maxWaitMs;
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (this.queuedPerSocket(room) <= maxQueuedPerSocket) return;
    }
    throw fail('RATE_LIMITED', `The subscribers of "${room}" are not keeping up`, {
      retryAfterMs: Math.max(POLL_MS, Math.min(maxWaitMs, 1000)),
    });
  }
}
