/**
 * Deadlines shared by every node (typing indicators that expire): a named queue of
 * keys, each with a due time and a value. `cancel` and `takeDue` remove what they
 * return, atomically, so of the node whose timer fires, the node that sees a stop and
 * any node sweeping for deadlines whose node died, exactly one gets each deadline.
 * Memory here (one node); Redis in src/cluster/redis-deadlines.ts.
 */

/** One queue of deadlines (`ctx.deadlines(name)`). */
export interface Deadlines {
  /** Sets or moves the deadline of `key`. */
  set(key: string, dueAt: number, value: string): Promise<void>;
  /** Removes the deadline of `key`; its value when it was still pending, else undefined. */
  cancel(key: string): Promise<string | undefined>;
  /** Removes and returns the deadlines due by `now` (at most `limit`). */
  takeDue(now: number, limit?: number): Promise<Array<{ key: string; value: string }>>;
}

/** Queues of deadlines by name. */
export type DeadlineQueues = (name: string) => Deadlines;

/** In-memory queues, for a single node. */
export function createMemoryDeadlines(): DeadlineQueues {
  const queues = new Map<string, Deadlines>();
  return (name) => {
    let queue = queues.get(name);
    if (!queue) {
      const entries = new Map<string, { dueAt: number; value: string }>();
      queue = {
        async set(key, dueAt, value) {
          entries.set(key, { dueAt, value });
        },
        async cancel(key) {
          const entry = entries.get(key);
          entries.delete(key);
          return entry?.value;
        },
        async takeDue(now, limit = 500) {
          const due: Array<{ key: string; value: string }> = [];
          for (const [key, entry] of entries) {
            if (due.length >= limit) break;
            if (entry.dueAt > now) continue;
            entries.delete(key);
            due.push({ key, value: entry.value });
          }
          return due;
        },
      };
      queues.set(name, queue);
    }
    return queue;
  };
}
