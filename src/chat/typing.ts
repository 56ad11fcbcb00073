/**
 * Typing indicators: `typing:start` / `typing:stop` go to the conversation's other
 * members; a start without a stop expires after `typing.timeoutMs`, and a socket that
 * disconnects stops whatever it was typing. The timers are per socket, so they live
 * on the node that holds the socket; the truth about membership stays in the store.
 */
import type { Principal } from '../auth/principal.js';
import type { SwitchboardContext } from '../core/context.js';
import type { ConversationsRepo } from './conversations-repo.js';
import { requireMember } from './membership.js';

interface Typing {
  userId: string;
  timer: NodeJS.Timeout;
}

export class TypingTracker {
  /** socketId → conversationId → the running expiry. */
  private readonly active = new Map<string, Map<string, Typing>>();

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly conversations: ConversationsRepo,
  ) {}

  private async emit(event: 'typing:start' | 'typing:stop', userId: string, conversationId: string): Promise<void> {
    const others = (await this.conversations.memberIds(conversationId)).filter((id) => id !== userId);
    this.ctx.emitter.toUsers(others, event, { userId, conversationId });
  }

  /** Announces (again) and restarts the expiry; repeated starts while typing are normal client behaviour. */
  async start(principal: Principal, socketId: string, conversationId: string): Promise<void> {
    await requireMember(this.ctx, principal, conversationId);
    const mine = this.active.get(socketId) ?? new Map<string, Typing>();
    this.active.set(socketId, mine);
    const previous = mine.get(conversationId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      void this.end(socketId, conversationId);
    }, this.ctx.config.typing.timeoutMs);
    timer.unref();
    mine.set(conversationId, { userId: principal.userId, timer });
    await this.emit('typing:start', principal.userId, conversationId);
  }

  async stop(principal: Principal, socketId: string, conversationId: string): Promise<void> {
    await requireMember(this.ctx, principal, conversationId);
    this.clear(socketId, conversationId);
    await this.emit('typing:stop', principal.userId, conversationId);
  }

  /** Expiry or disconnect: stops one indicator if it is still running. */
  private async end(socketId: string, conversationId: string): Promise<void> {
    const typing = this.clear(socketId, conversationId);
    if (!typing) return;
    try {
      await this.emit('typing:stop', typing.userId, conversationId);
    } catch (err) {
      this.ctx.logger.warn({ err, conversationId }, 'typing:stop after expiry failed');
    }
  }

  private clear(socketId: string, conversationId: string): Typing | undefined {
    const mine = this.active.get(socketId);
    const typing = mine?.get(conversationId);
    if (typing) clearTimeout(typing.timer);
    mine?.delete(conversationId);
    if (mine?.size === 0) this.active.delete(socketId);
    return typing;
  }

  /** The socket left: every indicator it started stops now. */
  async socketGone(socketId: string): Promise<void> {
    const mine = this.active.get(socketId);
    if (!mine) return;
    await Promise.all([...mine.keys()].map((conversationId) => this.end(socketId, conversationId)));
  }

  /** Shutdown: drop the timers without announcing. */
  stopAll(): void {
    for (const mine of this.active.values()) for (const typing of mine.values()) clearTimeout(typing.timer);
    this.active.clear();
  }
}
