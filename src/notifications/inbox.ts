/**
 * Inbox changes shared by the HTTP routes and the socket events. Each change is
 * echoed to every device of the user (`notification:updated` / `notification:deleted`),
 * so reading on the phone clears the badge on the laptop.
 */
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { chunked, yieldToLoop } from './batching.js';
import type { NotificationsRepo } from './notifications-repo.js';

/** The answer to "no such notification": the same for a missing id and for another user's. */
function notFound(id: string) {
  return fail('NOT_FOUND', `No notification ${id}`);
}

export class Inbox {
  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly repo: NotificationsRepo,
  ) {}

  /** Marks one read and echoes `{ id, read: true }` (also when it was read already: the echo is idempotent state). */
  async markRead(userId: string, id: string): Promise<{ id: string; read: true }> {
    if (!(await this.repo.markRead(userId, id))) throw notFound(id);
    this.ctx.emitter.toUser(userId, 'notification:updated', { id, read: true });
    return { id, read: true };
  }

  /**
   * Marks all read. The echo keeps the contract's shape: one `notification:updated
   * { id, read: true }` per notification that changed (bounded by the inbox cap),
   * in chunks, so clients need no second event form.
   */
  async markAllRead(userId: string): Promise<{ count: number; ids: string[] }> {
    const ids = await this.repo.markAllRead(userId);
    for (const [index, chunk] of chunked(ids).entries()) {
      if (index > 0) await yieldToLoop();
      for (const id of chunk) this.ctx.emitter.toUser(userId, 'notification:updated', { id, read: true });
    }
    return { count: ids.length, ids };
  }

  /** Deletes one and echoes `{ id }`. */
  async remove(userId: string, id: string): Promise<{ id: string }> {
    if (!(await this.repo.remove(userId, id))) throw notFound(id);
    this.ctx.emitter.toUser(userId, 'notification:deleted', { id });
    return { id };
  }
}
