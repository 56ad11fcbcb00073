/**
 * The one publish dispatcher (STYLE.md #6): POST /api/publish, the programmatic
 * `publish()`, client `publish` and (later) the Kafka bridge all end here.
 *
 * Channels with history go through the group-commit writer (publication-writes.ts):
 * publications queued on this node, on any channels, are appended in one store
 * transaction (the store assigns their offsets atomically, so several nodes never
 * share one), then handed to the fan-out once it committed (channel-fanout.ts: this
 * node's sequencer, and the other nodes'), which delivers every node's publications
 * to each node's sockets in offset order. Batching keeps the store at one transaction
 * per batch rather than per publication. Channels without history skip the store:
 * they are broadcast at once (best-effort, one adapter room emit) with offset 0 in
 * the meta (the contract wants a number there) and `offset: null` in the result.
 *
 * Every delivery is a single Socket.IO room emit per node (the packet is encoded
 * once); trimming runs afterwards in the background and never holds a publication up.
 */
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { fail, SwitchboardError } from '../core/errors.js';
import { toIso } from '../core/ids.js';
import type { Publication } from '../protocol/shapes.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { WriteContext } from '../store/write-context.js';
import type { Backpressure } from './backpressure.js';
import type { ChannelFanout } from './channel-fanout.js';
import type { ChannelRef } from './channel-name.js';
import type { ChannelOptions } from './channel-policy.js';
import type { HistoryRepo } from './history-repo.js';
import { metaOf, retentionOf } from './publication-shapes.js';
import type { PublicationWrite } from './publication-writes.js';

export { metaOf, retentionOf } from './publication-shapes.js';

export interface PublishRequest {
  channel: ChannelRef;
  options: ChannelOptions;
  event: string;
  data: unknown;
  /** The publishing socket, which does not get its own publication back (it has the ack). */
  publisherSocketId?: string;
  /** Work to commit with the publication (an idempotent request's key). */
  writeContext?: WriteContext;
}

export interface PublishResult {
  channel: string;
  /** The publication's offset, or null on a channel without history. */
  offset: number | null;
  timestamp: string;
}

function serialize(data: unknown): string {
  try {
    return JSON.stringify(data ?? null);
  } catch {
    throw fail('VALIDATION_FAILED', 'data must be JSON');
  }
}

export class Publisher {
  /** Publications since the last trim, per channel (a local trigger only; reads never depend on it). */
  private readonly sinceTrim = new Map<string, number>();

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly history: HistoryRepo,
    private readonly fanout: ChannelFanout,
    private readonly writer: BatchWriter<PublicationWrite, number>,
    private readonly backpressure: Backpressure,
  ) {}

  async publish(request: PublishRequest): Promise<PublishResult> {
    const json = serialize(request.data);
    const channel = request.channel.name;
    // Waits (or refuses with RATE_LIMITED) while the channel's sockets are behind.
    const behind = this.backpressure.admit(channel);
    if (behind) await behind;
    if (!request.options.history) {
      const timestamp = toIso(Date.now());
      const publication = { channel, event: request.event, data: request.data ?? null, offset: 0, timestamp };
      this.ctx.emitter.toRoomsRaw(channel, publication.event, [publication.data, metaOf(publication)], request.publisherSocketId);
      return { channel, offset: null, timestamp };
    }
    const createdAt = Date.now();
    let offset: number;
    try {
      offset = await this.writer.submit(
        {
          channel,
          namespace: request.channel.namespace ?? channel,
          event: request.event,
          data: json,
          createdAt,
        },
        request.writeContext,
      );
    } catch (error) {
      if (error instanceof SwitchboardError && error.code !== 'INTERNAL') throw error;
      this.ctx.logger.error({ err: error, channel }, 'publication could not be stored');
      throw fail('UNAVAILABLE', 'The store could not record the publication');
    }
    const timestamp = toIso(createdAt);
    const publication = { channel, event: request.event, data: request.data ?? null, offset, timestamp };
    this.fanout.publish(publication, request.publisherSocketId ? [request.publisherSocketId] : []);
    this.maybeTrim(channel, request.options, 1);
    return { channel, offset, timestamp };
  }

  /** Sends one publication to a socket directly (recovery buffers after the ack). */
  sendTo(socket: SwitchboardSocket, publication: Publication): void {
    this.ctx.emitter.counted('publication');
    // biome-ignore lint/suspicious/noExplicitAny: app-chosen event names are outside the typed map
    (socket.emit as any)(publication.event, publication.data, metaOf(publication));
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
