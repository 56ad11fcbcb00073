/**
 * Occupancy events from the Socket.IO adapter's own room events (`join-room`,
 * `leave-room`, emitted on the node of the socket, also with the Redis adapter), so
 * no subscribe path is touched: every way into a room (subscribe, recovery, chat's
 * conversation rooms) counts. The decisions are cluster-wide (OccupancyStore):
 * - `channel.occupied` for the first socket in a channel, `channel.vacated` when it
 *   stayed empty for `webhook.vacatedDebounceMs` (a deadline shared by every node,
 *   claimed once), so a resubscribe or a page reload sends neither;
 * - `member.joined` / `member.left` for a user's first socket in a joinLeave channel
 *   and its last one leaving.
 * User rooms (`user:{id}`, joined by every connection) and internal rooms are not
 * channels here: `user.online` says that already. The sockets of a node that died are
 * left by whichever node finds its heartbeat gone first (OccupancyStore.takeAbandoned).
 */

import { parseChannel } from '../channels/channel-name.js';
import type { SwitchboardContext } from '../core/context.js';
import type { Service } from '../core/lifecycle.js';
import type { Deadlines } from '../presence/deadlines.js';
import { isInternalRoom } from '../realtime/rooms.js';
import type { OccupancyStore } from './occupancy.js';

// Channel names cannot hold a newline, so these keys split back unambiguously.
const channelKey = (channel: string) => `c\n${channel}`;
const memberKey = (channel: string, userId: string) => `m\n${channel}\n${userId}`;

function parseKey(key: string): { channel: string; userId?: string } {
  const [kind, channel = '', ...rest] = key.split('\n');
  return kind === 'm' ? { channel, userId: rest.join('\n') } : { channel };
}
/** How often (at most) this node sweeps for vacancies left unsettled and for dead nodes' sockets. */
const SWEEP_INTERVAL_MS = 5000;

export class OccupancyWatcher implements Service {
  readonly name = 'webhook-occupancy';
  private readonly vacancies: Deadlines;
  private readonly wakes = new Set<NodeJS.Timeout>();
  private sweep: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Socket → user, for `leave-room` (local routing data, not shared state). */
  private readonly users = new Map<string, string>();
  // Tracked, so a graceful shutdown waits for the leaves of the sockets it disconnects.
  private readonly onJoin = (room: string, socketId: string) => void this.ctx.lifecycle.track(() => this.joined(room, socketId));
  private readonly onLeave = (room: string, socketId: string) => void this.ctx.lifecycle.track(() => this.left(room, socketId));

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly occupancy: OccupancyStore,
  ) {
    this.vacancies = ctx.deadlines('webhook-vacated');
  }

  private get tracksChannels(): boolean {
    return this.ctx.domainEvents.wants('channel.occupied') || this.ctx.domainEvents.wants('channel.vacated');
  }

  private get tracksMembers(): boolean {
    return this.ctx.domainEvents.wants('member.joined') || this.ctx.domainEvents.wants('member.left');
  }

  async start(): Promise<void> {
    if (!this.tracksChannels && !this.tracksMembers) return;
    // Alive before the first join, so no other node takes this node's sockets for a dead one's.
    await this.beat();
    const adapter = this.ctx.io.of('/').adapter;
    adapter.on('join-room', this.onJoin);
    adapter.on('leave-room', this.onLeave);
    this.sweep = setInterval(() => void this.sweepOnce(), Math.min(SWEEP_INTERVAL_MS, this.ctx.config.redis.nodeTimeoutMs));
    this.heartbeat = setInterval(() => void this.beat(), this.ctx.config.redis.heartbeatIntervalMs);
    this.sweep.unref();
    this.heartbeat.unref();
  }

  stop(): void {
    const adapter = this.ctx.io.of('/').adapter;
    adapter.off('join-room', this.onJoin);
    adapter.off('leave-room', this.onLeave);
    clearInterval(this.sweep);
    clearInterval(this.heartbeat);
    for (const wake of this.wakes) clearTimeout(wake);
    this.wakes.clear();
  }

  /** The socket left (the core's disconnect hook, after its rooms were left). */
  forget(socketId: string): void {
    this.users.delete(socketId);
  }

  /** Whether `room` is a channel (declared or built in), and whether it has joinLeave. */
  private channelOf(room: string, socketId: string): { joinLeave: boolean } | undefined {
    if (room === socketId || isInternalRoom(room)) return undefined;
    const ref = parseChannel(room);
    if (ref.namespace === 'user') return undefined;
    const options = this.ctx.channels.optionsOf(ref);
    return options ? { joinLeave: options.joinLeave } : undefined;
  }

  private async joined(room: string, socketId: string): Promise<void> {
    const channel = this.channelOf(room, socketId);
    if (!channel) return;
    const userId = this.ctx.io.of('/').sockets.get(socketId)?.data.userId;
    if (userId) this.users.set(socketId, userId);
    await this.guard(room, async () => {
      if (this.tracksChannels && (await this.occupancy.join(channelKey(room), socketId)).announce) {
        await this.ctx.domainEvents.emit('channel.occupied', { channel: room });
      }
      if (channel.joinLeave && userId && this.tracksMembers && (await this.occupancy.join(memberKey(room, userId), socketId)).first) {
        await this.ctx.domainEvents.emit('member.joined', { channel: room, userId });
      }
    });
  }

  private async left(room: string, socketId: string): Promise<void> {
    const channel = this.channelOf(room, socketId);
    if (!channel) return;
    const userId = this.users.get(socketId) ?? this.ctx.io.of('/').sockets.get(socketId)?.data.userId;
    await this.guard(room, async () => {
      if (this.tracksChannels) await this.leaveKey(channelKey(room), socketId);
      if (channel.joinLeave && userId && this.tracksMembers) await this.leaveKey(memberKey(room, userId), socketId);
    });
  }

  /** One socket out of a channel's set (`channel.vacated` to come) or a member's (`member.left`). */
  private async leaveKey(key: string, socketId: string): Promise<void> {
    if (!(await this.occupancy.leave(key, socketId)).last) return;
    const { channel, userId } = parseKey(key);
    if (userId === undefined) await this.vacancyStarted(channel);
    else await this.ctx.domainEvents.emit('member.left', { channel, userId });
  }

  private async beat(): Promise<void> {
    try {
      await this.occupancy.heartbeat();
    } catch (err) {
      this.ctx.logger.warn({ err }, 'webhook occupancy heartbeat failed');
    }
  }

  /** Vacancies due, and the sockets of nodes that died (their channels may be empty now). */
  private async sweepOnce(): Promise<void> {
    await this.settleDue();
    try {
      for (const { key, socketId } of await this.occupancy.takeAbandoned()) await this.leaveKey(key, socketId);
    } catch (err) {
      this.ctx.logger.warn({ err }, 'webhook occupancy sweep of dead nodes failed');
    }
  }

  private async vacancyStarted(channel: string): Promise<void> {
    const debounceMs = this.ctx.config.webhook.vacatedDebounceMs;
    if (debounceMs === 0) {
      await this.settle(channel);
      return;
    }
    await this.vacancies.set(channel, Date.now() + debounceMs, '');
    const wake = setTimeout(() => {
      this.wakes.delete(wake);
      void this.settleDue();
    }, debounceMs + 10);
    wake.unref();
    this.wakes.add(wake);
  }

  /** Vacancies whose debounce ended, on whichever node asks first (each handed out once). */
  private async settleDue(): Promise<void> {
    try {
      for (const { key } of await this.vacancies.takeDue(Date.now())) await this.settle(key);
    } catch (err) {
      this.ctx.logger.warn({ err }, 'webhook vacancy sweep failed');
    }
  }

  private async settle(channel: string): Promise<void> {
    if (await this.occupancy.settle(channelKey(channel))) await this.ctx.domainEvents.emit('channel.vacated', { channel });
  }

  private async guard(room: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.ctx.logger.warn({ err, channel: room }, 'webhook occupancy update failed');
    }
  }
}
