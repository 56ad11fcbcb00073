/**
 * Sockets of this node that are between "joined the room" and "got their `missed`
 * list" on a channel with history (`subscribe { since }`). While a socket is listed,
 * publications this node delivers on that channel skip it in the room broadcast and
 * are kept in its buffer instead; the subscribe handler merges the buffer into
 * `missed` (deduplicated by offset), and once the ack has been written the rest of
 * the buffer is sent to that socket directly before it is unlisted. Every step that
 * touches a buffer is synchronous, so no publication of this node can fall between
 * them: the client sees the history, then live publications, in offset order, none
 * twice, and the broadcast of everyone else is not held up.
 */

import type { Publication } from '../protocol/shapes.js';
import type { SwitchboardSocket } from '../realtime/socket-types.js';

export interface PendingRecovery {
  readonly channel: string;
  readonly socket: SwitchboardSocket;
  /** Publications delivered on the channel since the socket was listed. */
  readonly buffer: Publication[];
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
  divert(publication: Publication, publisherSocketId?: string): string[] {
    const set = this.byChannel.get(publication.channel);
    if (!set) return [];
    const ids: string[] = [];
    for (const pending of set) {
      ids.push(pending.socket.id);
      if (pending.socket.id !== publisherSocketId) pending.buffer.push(publication);
    }
    return ids;
  }

  /**
   * Sends the buffered publications after `sentUpTo` (the last offset the ack carried)
   * straight to the socket, then unlists it; from then on the room broadcast reaches it.
   */
  flush(pending: PendingRecovery, sentUpTo: number, send: (socket: SwitchboardSocket, publication: Publication) => void): void {
    if (pending.socket.connected) {
      for (const publication of pending.buffer) if (publication.offset > sentUpTo) send(pending.socket, publication);
    }
    this.end(pending);
  }
}

/** History rows and buffered publications as one list: ordered by offset, each offset once. */
export function mergeByOffset(...lists: Publication[][]): Publication[] {
  const byOffset = new Map<number, Publication>();
  for (const list of lists) for (const publication of list) byOffset.set(publication.offset, publication);
  return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
}
