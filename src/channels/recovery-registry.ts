/**
 * Sockets of this node that are between "joined the room" and "got their ack" on a
 * channel with history. While a socket is listed, publications this node delivers on
 * that channel (every node's, in offset order: channel-sequencer.ts) skip it in the
 * room broadcast and are kept in its buffer instead; the subscribe handler merges the
 * buffer into `missed` (deduplicated by offset), and once the ack has been written the
 * rest of the buffer is sent to that socket directly. Every step that touches a buffer
 * is synchronous, so no publication can fall between them: the client sees the
 * history, then live publications, in offset order, none twice, and the broadcast of
 * everyone else is not held up.
 *
 * The store may be ahead of this node's delivery (`missed` read offsets that are
 * still on their way here). Then the socket stays listed, skipping deliveries up to
 * the last offset its ack carried, until the node's delivery passes it.
 */

import type { Publication } from '../protocol/shapes.js';
import type { SwitchboardSocket } from '../realtime/socket-types.js';

export interface PendingRecovery {
  readonly channel: string;
  readonly socket: SwitchboardSocket;
  /** Publications delivered on the channel since the socket was listed. */
  readonly buffer: Publication[];
  /** Set after the ack: live deliveries up to this offset were already sent (in `missed`). */
  skipUpTo?: number;
}

export class RecoveryRegistry {
  private readonly byChannel = new Map<string, Set<PendingRecovery>>();

  /** Lists a socket; call before it joins the channel's room. */
  begin(channel: string, socket: SwitchboardSocket): PendingRecovery {
    const pending: PendingRecovery = { channel, socket, buffer: [] };
    let set = this.byChannel.get(channel);
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    set.add(pending);
    return pending;
  }

  /** Unlists a socket (after `flush`, or when the subscribe failed). */
  end(pending: PendingRecovery): void {
    const set = this.byChannel.get(pending.channel);
    if (!set) return;
    set.delete(pending);
    if (set.size === 0) this.byChannel.delete(pending.channel);
  }

  /**
   * Called by the publisher, synchronously, for each publication it broadcasts:
   * buffers it for the listed sockets (except the publisher's own) and returns their
   * ids so the broadcast can leave them out.
   */
  divert(publication: Publication, except: readonly string[] = []): string[] {
    const set = this.byChannel.get(publication.channel);
    if (!set) return [];
    const ids: string[] = [];
    for (const pending of set) {
      if (pending.skipUpTo !== undefined) {
        // After the ack: skip what `missed` carried, then hand over to the broadcast.
        if (publication.offset <= pending.skipUpTo && pending.socket.connected) ids.push(pending.socket.id);
        if (publication.offset >= pending.skipUpTo || !pending.socket.connected) this.end(pending);
        continue;
      }
      ids.push(pending.socket.id);
      if (!except.includes(pending.socket.id)) pending.buffer.push(publication);
    }
    return ids;
  }

  /**
   * Sends the buffered publications after `sentUpTo` (the last offset the ack carried)
   * straight to the socket, then unlists it once this node delivered `sentUpTo`
   * (`delivered`); from then on the room broadcast reaches it.
   */
  flush(
    pending: PendingRecovery,
    sentUpTo: number,
    delivered: number,
    send: (socket: SwitchboardSocket, publication: Publication) => void,
  ): void {
    let upTo = sentUpTo;
    if (pending.socket.connected) {
      for (const publication of pending.buffer) {
        if (publication.offset <= upTo) continue;
        send(pending.socket, publication);
        upTo = publication.offset;
      }
    }
    pending.buffer.length = 0;
    if (!pending.socket.connected || delivered >= upTo) this.end(pending);
    else pending.skipUpTo = upTo;
  }

  /** The room emptied: sockets listed after their ack (waiting to hand over) are gone from it. */
  prune(channel: string): void {
    for (const pending of this.byChannel.get(channel) ?? []) if (pending.skipUpTo !== undefined) this.end(pending);
  }
}

/** History rows and buffered publications as one list: ordered by offset, each offset once. */
export function mergeByOffset(...lists: Publication[][]): Publication[] {
  const byOffset = new Map<number, Publication>();
  for (const list of lists) for (const publication of list) byOffset.set(publication.offset, publication);
  return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
}
