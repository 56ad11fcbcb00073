/**
 * Typing indicators: `typing:start` / `typing:stop` go to the conversation's other
 * members; a start without a stop expires after `typing.timeoutMs`, and a socket that
 * disconnects stops whatever it was typing.
 *
 * Each running indicator is a deadline in `ctx.deadlines('typing')` (Redis in a
 * cluster), keyed by conversation and socket. Whoever removes it announces the stop,
 * exactly once: the node holding the socket (its timer, a stop, a disconnect), or, if
 * that node died, whichever node's sweep (`presence.sweepIntervalMs`) finds it expired.
 */
import type { Principal } from '../auth/principal.js';
import type { SwitchboardContext } from '../core/context.js';
import type { Service } from '../core/lifecycle.js';
import type { Deadlines } from '../presence/deadlines.js';
import type { ConversationsRepo } from './conversations-repo.js';
import { requireMember } from './membership.js';

/** The deadline's key: conversation ids and socket ids never contain a newline. */
const keyOf = (conversationId: string, socketId: string) => `${conversationId}\n${socketId}`;
const conversationOf = (key: string) => key.slice(0, key.indexOf('\n'));

export class TypingTracker {
  /** socketId → conversationId → this node's timer for the deadline. */
  private readonly active = new Map<string, Map<string, NodeJS.Timeout>>();
  private readonly deadlines: Deadlines;
  private sweeper: NodeJS.Timeout | undefined;
  private sweepFailing = false;

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
  ) {
    this.deadlines = ctx.deadlines('typing');
  }

  private async emit(event: 'typing:start' | 'typing:stop', userId: string, conversationId: string): Promise<void> {
    const others = (await this.conversations.memberIds(conversationId)).filter((id) => id !== userId);
    this.ctx.emitter.toUsers(others, event, { userId, conversationId });
  }

  /** Announces (again) and moves the expiry; repeated starts while typing are normal client behaviour. */
  async start(principal: Principal, socketId: string, conversationId: string): Promise<void> {
    await requireMember(this.ctx, principal, conversationId);
    const key = keyOf(conversationId, socketId);
    await this.deadlines.set(key, Date.now() + this.ctx.config.typing.timeoutMs, principal.userId);
    const mine = this.active.get(socketId) ?? new Map<string, NodeJS.Timeout>();
    this.active.set(socketId, mine);
    clearTimeout(mine.get(conversationId));
    const timer = setTimeout(() => {
      void this.end(socketId, conversationId);
    }, this.ctx.config.typing.timeoutMs);
    timer.unref();
    mine.set(conversationId, timer);
    await this.emit('typing:start', principal.userId, conversationId);
  }

  async stop(principal: Principal, socketId: string, conversationId: string): Promise<void> {
    await requireMember(this.ctx, principal, conversationId);
    this.forget(socketId, conversationId);
    await this.deadlines.cancel(keyOf(conversationId, socketId));
    await this.emit('typing:stop', principal.userId, conversationId);
  }

  /** Expiry or disconnect on this node: stops one indicator if nobody else has. */
  private async end(socketId: string, conversationId: string): Promise<void> {
    this.forget(socketId, conversationId);
    try {
      const userId = await this.deadlines.cancel(keyOf(conversationId, socketId));
      if (userId !== undefined) await this.emit('typing:stop', userId, conversationId);
    } catch (err) {
      // Deadlines unreachable: the deadline stays, and a sweep announces it once they are back.
      this.ctx.logger.warn({ err, conversationId }, 'typing:stop failed');
    }
  }

  private forget(socketId: string, conversationId: string): void {
    const mine = this.active.get(socketId);
    clearTimeout(mine?.get(conversationId));
    mine?.delete(conversationId);
    if (mine?.size === 0) this.active.delete(socketId);
  }

  /** The socket left: every indicator it started stops now. */
  async socketGone(socketId: string): Promise<void> {
    const mine = this.active.get(socketId);
    if (!mine) return;
    await Promise.all([...mine.keys()].map((conversationId) => this.end(socketId, conversationId)));
  }

  /** Announces the stops of expired indicators nobody ended (their node died). */
  async sweep(now = Date.now()): Promise<void> {
    for (const { key, value: userId } of await this.deadlines.takeDue(now)) {
      await this.emit('typing:stop', userId, conversationOf(key));
    }
  }

  /** The sweep, as a service; stopping drops this node's timers without announcing (shutdown). */
  service(): Service {
    return {
      name: 'typing-expiry',
      start: () => {
        this.sweeper = setInterval(() => {
          this.sweep().then(
            () => {
              this.sweepFailing = false;
            },
            (err) => {
              if (!this.sweepFailing) this.ctx.logger.warn({ err }, 'typing sweep failed');
              this.sweepFailing = true;
            },
          );
        }, this.ctx.config.presence.sweepIntervalMs);
        this.sweeper.unref();
      },
      stop: () => {
        clearInterval(this.sweeper);
        for (const mine of this.active.values()) for (const timer of mine.values()) clearTimeout(timer);
        this.active.clear();
      },
    };
  }
}
