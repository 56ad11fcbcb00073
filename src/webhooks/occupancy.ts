/**
 * Who is in a channel, cluster-wide, as far as the webhooks need it: the first
 * subscriber (`channel.occupied`), the last one leaving (`channel.vacated`, after a
 * debounce) and a user's first and last socket in a joinLeave channel
 * (`member.joined` / `member.left`). Each answer is decided atomically where the
 * state lives (this process alone, or Redis in redis-occupancy.ts), never per node.
 */

/** A socket that was in `key` on a node that died. */
export interface Abandoned {
  key: string;
  socketId: string;
}

export interface OccupancyStore {
  /**
   * Adds socket `socketId` to `key`'s set. `first`: the set was empty; `announce`:
   * and the key was not announced yet (a vacancy still being debounced is not news).
   */
  join(key: string, socketId: string): Promise<{ first: boolean; announce: boolean }>;
  /** Removes it; `last`: the set is empty now. */
  leave(key: string, socketId: string): Promise<{ last: boolean }>;
  /** The debounce of `key` ended: true (once) when it is still empty and was announced. */
  settle(key: string): Promise<boolean>;
  /** Says this node is alive (its sockets are not to be swept). */
  heartbeat(): Promise<void>;
  /**
   * The sockets of nodes whose heartbeat stopped, each handed to one caller: the
   * caller leaves them (and announces what that ends). Empty on a single node.
   */
  takeAbandoned(): Promise<Abandoned[]>;
}

/** In-memory occupancy, for a single node (which has no other node to outlive). */
export function createMemoryOccupancy(): OccupancyStore {
  const sockets = new Map<string, Set<string>>();
  const announced = new Set<string>();
  return {
    async join(key, socketId) {
      let set = sockets.get(key);
      if (!set) {
        set = new Set();
        sockets.set(key, set);
      }
      const first = set.size === 0;
      set.add(socketId);
      const announce = !announced.has(key);
      announced.add(key);
      return { first, announce };
    },
    async leave(key, socketId) {
      const set = sockets.get(key);
      const removed = set?.delete(socketId) === true;
      if (!set || set.size > 0) return { last: false };
      sockets.delete(key);
      return { last: removed };
    },
    async settle(key) {
      if ((sockets.get(key)?.size ?? 0) > 0) return false;
      return announced.delete(key);
    },
    async heartbeat() {},
    async takeAbandoned() {
      return [];
    },
  };
}
