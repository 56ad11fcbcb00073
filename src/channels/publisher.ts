/**
 * The one publish dispatcher (STYLE.md #6): POST /api/publish, the programmatic
 * `publish()`, client `publish` and (later) the Kafka bridge all end here.
 *
 * Channels with history go through a per-channel queue on this node: queued
 * publications are appended in one store transaction (the store assigns their
 * offsets atomically, so several nodes never share one), then broadcast in offset
 * order. Batching keeps the store at one round trip per batch rather than per
 * publication, and the in-order broadcast means live subscribers of this node see
 * offsets ascending. Channels without history skip the store: they are broadcast at
 * once with offset 0 in the meta (the contract wants a number there) and `offset:
 * null` in the result.
 *
 * Every broadcast is a single Socket.IO room emit (the packet is encoded once);
 * trimming runs afterwards in the background and never holds a publication up.
 */
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { fail } from '../core/errors.js';
import { toIso } from '../core/ids.js';
import type { Publication, PublicationMeta } from '../protocol/shapes.js';
import type { ChannelRef } from './channel-name.js';
import type { ChannelOptions } from './channel-policy.js';
import type { HistoryRepo, RetentionOptions } from './history-repo.js';
import type { RecoveryRegistry } from './recovery-registry.js';

/** Publications appended per store transaction at most. */
const MAX_BATCH = 256;

export interface PublishRequest {
  channel: ChannelRef;
  options: ChannelOptions;
  event: string;
  data: unknown;
  /** The publishing socket, which does not get its own publication back (it has the ack). */
  publisherSocketId?: string;
}

export interface PublishResult {
  channel: string;
  /** The publication's offset, or null on a channel without history. */
  offset: number | null;
  timestamp: string;
}

interface Queued {
  request: PublishRequest;
  json: string;
  resolve(result: PublishResult): void;
  reject(error: unknown): void;
}

/** The retention a channel's history options describe. */
export function retentionOf(history: NonNullable<ChannelOptions['history']>): RetentionOptions {
  return { size: history.size, ttlMs: history.ttlSeconds === undefined ? undefined : history.ttlSeconds * 1000 };
}

function serialize(data: unknown): string {
  try {
    return JSON.stringify(data ?? null);
  } catch {
    throw fail('VALIDATION_FAILED', 'data must be JSON');
  }
}

export class Publisher {
  private readonly queues = new Map<string, Queued[]>();
  /** Publications since the last trim, per channel (a local trigger only; reads never depend on it). */
  private readonly sinceTrim = new Map<string, number>();

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly history: HistoryRepo,
    private readonly recovery: RecoveryRegistry,
  ) {}

  publish(request: PublishRequest): Promise<PublishResult> {
    const json = serialize(request.data);
    if (!request.options.history) {
      const timestamp = toIso(Date.now());
      this.deliver({ channel: request.channel.name, event: request.event, data: request.data ?? null, offset: 0, timestamp }, request);
      return Promise.resolve({ channel: request.channel.name, offset: null, timestamp });
    }
    return new Promise<PublishResult>((resolve, reject) => {
      const name = request.channel.name;
      const queue = this.queues.get(name);
      if (queue) {
        queue.push({ request, json, resolve, reject });
        return;
      }
      // No queue means no drain running for this channel: start one.
      this.queues.set(name, [{ request, json, resolve, reject }]);
      void this.ctx.lifecycle.track(() => this.drain(name));
    });
  }

  /** Sends one publication to a socket directly (recovery buffers after the ack). */
  sendTo(socket: SwitchboardSocket, publication: Publication): void {
    this.ctx.emitter.counted('publication');
    // biome-ignore lint/suspicious/noExplicitAny: app-chosen event names are outside the typed map
    (socket.emit as any)(publication.event, publication.data, metaOf(publication));
  }

  private async drain(channel: string): Promise<void> {
    const queue = this.queues.get(channel) as Queued[];
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      const first = batch[0] as Queued;
      const createdAt = Date.now();
      try {
        const firstOffset = await this.history.append(
          channel,
          first.request.channel.namespace ?? channel,
          batch.map((q) => ({ event: q.request.event, data: q.json, createdAt })),
        );
        const timestamp = toIso(createdAt);
        batch.forEach((q, i) => {
          const offset = firstOffset + i;
          this.deliver({ channel, event: q.request.event, data: q.request.data ?? null, offset, timestamp }, q.request);
          q.resolve({ channel, offset, timestamp });
        });
        this.maybeTrim(channel, first.request.options, batch.length);
      } catch (error) {
        this.ctx.logger.error({ err: error, channel }, 'publication could not be stored');
        const refusal = fail('UNAVAILABLE', 'The store could not record the publication');
        for (const q of batch) q.reject(refusal);
      }
    }
    this.queues.delete(channel);
  }

  /** One room broadcast, leaving out the publisher's socket and sockets still recovering. */
  private deliver(publication: Publication, request: PublishRequest): void {
    const except = this.recovery.divert(publication, request.publisherSocketId);
    if (request.publisherSocketId) except.push(request.publisherSocketId);
    this.ctx.emitter.toRoomsRaw(publication.channel, publication.event, [publication.data, metaOf(publication)], except);
  }

  /**
   * Trims a channel every tenth of its size (at least every 10 publications), in the
   * background. Reads already ignore rows beyond size and TTL, so this only bounds
   * the table; how often it runs does not change what clients see.
   */
  private maybeTrim(channel: string, options: ChannelOptions, added: number): void {
    const history = options.history;
    if (!history) return;
    const count = (this.sinceTrim.get(channel) ?? 0) + added;
    if (count < Math.max(10, Math.ceil(history.size / 10))) {
      this.sinceTrim.set(channel, count);
      return;
    }
    this.sinceTrim.delete(channel);
    void this.ctx.lifecycle
      .track(() => this.history.trimChannel(channel, retentionOf(history)))
      .catch((err) => this.ctx.logger.warn({ err, channel }, 'history trim failed'));
  }
}

/** The second argument of a delivered publication. */
export function metaOf(publication: Publication): PublicationMeta {
  return { channel: publication.channel, offset: publication.offset, timestamp: publication.timestamp };
}
