/**
 * Slow consumers (issue 12: a client that stopped reading was cut after 40 s and
 * ~187 MB queued for it). Every packet Engine.IO queues for a socket is counted as
 * it is created; what is unsent is the packets still in Engine.IO's write buffer plus
 * what the WebSocket has not handed to the kernel (`ws.bufferedAmount`). The packet
 * that takes it past `maxBytes` cuts the connection at once, discarding what was
 * queued: the check is on bytes, not on time, so memory per socket stays bounded.
 */
import type { Socket as EngineSocket } from 'engine.io';
import type { Logger } from '../core/logger.js';

export interface SlowConsumerOptions {
  maxBytes: number;
  logger: Logger;
  /** Called once per cut, with the bytes that were queued (a metric). */
  onCut(queuedBytes: number): void;
}

interface EnginePacket {
  data?: unknown;
}

function byteSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** What the transport holds but has not written to the kernel (WebSocket only; polling waits in the write buffer). */
function transportBuffered(conn: EngineSocket): number {
  const ws = (conn.transport as unknown as { socket?: { bufferedAmount?: number } }).socket;
  return typeof ws?.bufferedAmount === 'number' ? ws.bufferedAmount : 0;
}

/** Ends a connection now: no graceful close frame behind megabytes of queued data. */
function cut(conn: EngineSocket): void {
  const ws = (conn.transport as unknown as { socket?: { terminate?: () => void } }).socket;
  if (conn.transport.name === 'websocket') ws?.terminate?.();
  conn.close(true);
}

/** Watches one Engine.IO connection for the rest of its life. */
export function watchSlowConsumer(conn: EngineSocket, options: SlowConsumerOptions): void {
  let pending = 0;
  let done = false;
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (done) return;
    pending += byteSize(packet.data);
    const queued = pending + transportBuffered(conn);
    if (queued <= options.maxBytes) return;
    done = true;
    options.onCut(queued);
    options.logger.warn(
      {
        engineId: (conn as unknown as { id: string }).id,
        address: conn.remoteAddress,
        queuedBytes: queued,
        maxBytes: options.maxBytes,
        transport: conn.transport.name,
      },
      'disconnecting a slow consumer',
    );
    cut(conn);
  });
  // The write buffer went to the transport: from now on it counts in bufferedAmount.
  conn.on('flush', () => {
    pending = 0;
  });
}
