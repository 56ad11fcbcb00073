/**
 * Socket events `subscribe`, `unsubscribe` and `publish`, and the `user:joined` /
 * `user:left` notices of `joinLeave` namespaces. A channel is the Socket.IO room of
 * the same name, so room operations (and the Redis adapter, later) do the fan-out.
 */
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { fail, toSwitchboardError } from '../core/errors.js';
import type { SubscribeResult } from '../protocol/events.js';
import type { Ack } from '../protocol/shapes.js';
import { defineEvent, type EventHandlers } from '../realtime/event-router.js';
import { userRoom } from '../realtime/rooms.js';
import { parseChannel } from './channel-name.js';
import type { ChannelOptions } from './channel-policy.js';
import type { Sequencers } from './channel-sequencer.js';
import { clientPublishSchema, subscribeBatchSchema, subscribeSchema, unsubscribeSchema } from './channels-schemas.js';
import type { HistoryRepo } from './history-repo.js';
import { toPublication } from './history-repo.js';
import { type Publisher, retentionOf } from './publisher.js';
import { mergeByOffset, type RecoveryRegistry } from './recovery-registry.js';

/** A subscription made: the ack's data, and what to send once the ack is out. */
interface Subscribed {
  result: SubscribeResult;
  afterAck?: () => void;
}

type SubscribeRequest = z.output<typeof subscribeSchema>;

export interface SubscriptionServices {
  history: HistoryRepo;
  publisher: Publisher;
  recovery: RecoveryRegistry;
  sequencers: Sequencers;
}

/** Channel tokens a socket subscribed with, so `publish` can show them to the policy again. */
const channelTokens = new WeakMap<SwitchboardSocket, Map<string, string>>();
/** Sockets whose departure is already watched for `user:left`. */
const watched = new WeakSet<SwitchboardSocket>();

export function principalOf(socket: SwitchboardSocket): Principal {
  return socket.data;
}

function joinLeaveOf(ctx: SwitchboardContext, channel: string): boolean {
  return ctx.channels.optionsOf(parseChannel(channel))?.joinLeave === true;
}

/** `user:joined` to the channel's other sockets. */
function announceJoin(ctx: SwitchboardContext, socket: SwitchboardSocket, channel: string): void {
  ctx.emitter.counted('user:joined');
  socket.to(channel).emit('user:joined', { channel, userId: socket.data.userId });
}

/**
 * On disconnect, `user:left` for every joinLeave channel the socket was in. It must be
 * `disconnecting`: by `disconnect` Socket.IO has already emptied `socket.rooms`.
 */
function watchDeparture(ctx: SwitchboardContext, socket: SwitchboardSocket): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.on('disconnecting', () => {
    for (const room of socket.rooms) {
      if (room === socket.id || !joinLeaveOf(ctx, room)) continue;
      ctx.emitter.counted('user:left');
      socket.to(room).emit('user:left', { channel: room, userId: socket.data.userId });
    }
  });
}

/**
 * A socket that comes back through connection-state recovery has its rooms again
 * without subscribing: announce it where joinLeave is on, and watch it leave.
 */
export function announceRecoveredSocket(ctx: SwitchboardContext, socket: SwitchboardSocket): void {
  if (!socket.recovered) return;
  for (const room of socket.rooms) {
    if (room === socket.id || !joinLeaveOf(ctx, room)) continue;
    watchDeparture(ctx, socket);
    announceJoin(ctx, socket, room);
  }
}

/** The `subscribe`, `unsubscribe` and `publish` events. */
export function subscriptionEvents(ctx: SwitchboardContext, services: SubscriptionServices): EventHandlers {
  const { history, publisher, recovery, sequencers } = services;

  /**
   * Joining a channel with history, without gap or duplicate (see recovery-registry.ts
   * and channel-sequencer.ts): take this node's position on the channel, list the
   * socket, join the room, read the store after `since` when asked, merge what this
   * node delivered meanwhile, and hand the rest over once the ack is out (`afterAck`).
   * Without `since`, the ack's offset is the newest offset this node delivered: every
   * later one follows live, whichever node published it. Joining before reading means
   * nothing committed before the read is missed; the registry means nothing delivered
   * after the join is sent twice or ahead of the ack.
   */
  async function joinSequenced(
    socket: SwitchboardSocket,
    channel: string,
    since: number | undefined,
    options: ChannelOptions,
  ): Promise<Subscribed> {
    const retention = retentionOf(options.history as NonNullable<ChannelOptions['history']>);
    const wasIn = socket.rooms.has(channel);
    const seq = await sequencers.acquire(channel);
    const position = seq.delivered;
    const pending = recovery.begin(channel, socket);
    try {
      try {
        await socket.join(channel);
      } finally {
        sequencers.release(seq);
      }
      let result: SubscribeResult;
      if (since === undefined) {
        result = { channel, offset: position, recovered: false, missed: [] };
      } else {
        const page = await history.read(channel, { ...retention, since });
        const missed = mergeByOffset(
          page.publications.map((row) => toPublication(channel, row)),
          pending.buffer.filter((p) => p.offset > since),
        );
        result = { channel, offset: Math.max(page.lastOffset, missed.at(-1)?.offset ?? since), recovered: page.recovered, missed };
      }
      const sentUpTo = result.missed.at(-1)?.offset ?? since ?? position;
      return {
        result,
        afterAck: () => recovery.flush(pending, sentUpTo, seq.delivered, (s, p) => publisher.sendTo(s, p)),
      };
    } catch (error) {
      recovery.end(pending);
      if (!wasIn) await socket.leave(channel);
      throw error;
    }
  }

  /** One subscription, as `subscribe` and each entry of `subscribe:batch` make it. */
  async function subscribeOne(socket: SwitchboardSocket, { channel: name, since, token }: SubscribeRequest): Promise<Subscribed> {
    const { options } = await ctx.channels.authorize(principalOf(socket), name, 'subscribe', token);
    if (token) {
      const tokens = channelTokens.get(socket) ?? new Map<string, string>();
      tokens.set(name, token);
      channelTokens.set(socket, tokens);
    }
    const wasIn = socket.rooms.has(name);
    let subscribed: Subscribed;
    if (options.history) {
      subscribed = await joinSequenced(socket, name, since, options);
    } else {
      await socket.join(name);
      // Nothing is kept, so nothing is claimed recovered.
      subscribed = { result: { channel: name, offset: 0, recovered: false, missed: [] } };
    }
    if (options.joinLeave) {
      watchDeparture(ctx, socket);
      if (!wasIn) announceJoin(ctx, socket, name);
    }
    return subscribed;
  }

  // setImmediate runs after the router has written the handler's ack (it does so in
  // the microtasks that follow the handler's return), so buffered publications
  // arrive after the `missed` lists.
  const afterAcks = (steps: Array<(() => void) | undefined>) => {
    if (!steps.some(Boolean)) return;
    setImmediate(() => {
      for (const step of steps) step?.();
    });
  };

  const subscribe = defineEvent('subscribe', {
    schema: subscribeSchema,
    async handler(payload, socket): Promise<SubscribeResult> {
      const { result, afterAck } = await subscribeOne(socket, payload);
      afterAcks([afterAck]);
      return result;
    },
  });

  // Many subscriptions in one round trip and one rate-limit point (the client SDK
  // renews all of its channels this way after a reconnect); each entry is answered
  // as its own `subscribe` would have been.
  const subscribeBatch = defineEvent('subscribe:batch', {
    schema: subscribeBatchSchema,
    // An operator's `subscribe` rule governs batches too, unless they have their own.
    rateLimit: !ctx.config.rateLimits['subscribe:batch'] && ctx.config.rateLimits.subscribe ? 'subscribe' : undefined,
    async handler({ subscriptions }, socket): Promise<{ results: Ack<SubscribeResult>[] }> {
      const settled = await Promise.allSettled(subscriptions.map((request) => subscribeOne(socket, request)));
      afterAcks(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.afterAck : undefined)));
      return {
        results: settled.map((outcome) => {
          if (outcome.status === 'fulfilled') return { ok: true, data: outcome.value.result };
          const error = toSwitchboardError(outcome.reason);
          ctx.metrics.errors.inc({ code: error.code });
          if (error.code === 'INTERNAL') ctx.logger.error({ err: outcome.reason, socketId: socket.id }, 'subscribe:batch entry failed');
          return { ok: false, error: error.toWire() };
        }),
      };
    },
  });

  const unsubscribe = defineEvent('unsubscribe', {
    schema: unsubscribeSchema,
    async handler(name, socket) {
      if (name === userRoom(socket.data.userId)) throw fail('FORBIDDEN', 'A user channel cannot be left');
      const wasIn = socket.rooms.has(name);
      await socket.leave(name);
      channelTokens.get(socket)?.delete(name);
      if (wasIn && joinLeaveOf(ctx, name)) ctx.emitter.toRooms(name, 'user:left', { channel: name, userId: socket.data.userId });
      return { channel: name };
    },
  });

  const publish = defineEvent('publish', {
    schema: clientPublishSchema,
    async handler({ channel: name, event, data }, socket) {
      const token = channelTokens.get(socket)?.get(name);
      const { channel, options } = await ctx.channels.authorize(principalOf(socket), name, 'publish', token);
      const { offset } = await publisher.publish({ channel, options, event, data, publisherSocketId: socket.id });
      // Published already: a store failure of the webhook event must not make the client publish again.
      if (options.webhookClientEvents) {
        await ctx.domainEvents
          .emit('client.event', { channel: name, event, data, userId: socket.data.userId })
          .catch((err) => ctx.logger.warn({ err, channel: name }, 'client.event not stored for the webhooks'));
      }
      return { offset };
    },
  });

  return [subscribe, subscribeBatch, unsubscribe, publish];
}
