/**
 * How publications of channels with history reach sockets (issue 11). On one node
 * (no Redis) a committed publication goes straight to the local sequencer: no extra
 * hop. In a cluster the publishing node also sends it to every other node over the
 * Socket.IO adapter's inter-server channel (`serverSideEmit`, STYLE.md #5: the
 * adapter's own transport, no pub/sub of ours), and every node delivers to its own
 * sockets only (`io.local`) through its sequencer, so each node's sockets see the
 * channel in offset order whichever node published (channel-sequencer.ts). A room
 * broadcast per publishing node would not: each node's batches would race the
 * others' on every receiving node.
 *
 * The position check (cluster only) runs every `delivery.positionCheckIntervalMs` and
 * as soon as the adapter's Redis connection is back after a drop: it finds
 * publications whose emit was lost (Redis restarted, a node killed after its commit)
 * when nothing later revealed the gap, and fills them from the store.
 */
import { Counter } from 'prom-client';
import type { SwitchboardContext } from '../core/context.js';
import type { Service } from '../core/lifecycle.js';
import type { Publication } from '../protocol/shapes.js';
import { parseChannel } from './channel-name.js';
import { Sequencers } from './channel-sequencer.js';
import type { HistoryRepo } from './history-repo.js';
import { metaOf, retentionOf } from './publication-shapes.js';
import type { RecoveryRegistry } from './recovery-registry.js';

declare module '../protocol/events.js' {
  interface InterServerEvents {
    /** A publication of a channel with history, committed on the sending node. */
    'channel:publication': (publication: Publication, except: string[]) => void;
  }
}

function isPublication(value: unknown): value is Publication {
  const p = value as Publication | undefined;
  return typeof p?.channel === 'string' && typeof p.event === 'string' && Number.isSafeInteger(p.offset) && p.offset > 0;
}

export class ChannelFanout {
  readonly sequencers: Sequencers;

  constructor(
    private readonly ctx: SwitchboardContext,
    history: HistoryRepo,
    private readonly recovery: RecoveryRegistry,
  ) {
    const namespace = ctx.io.of('/');
    const fills = new Counter({
      name: 'switchboard_channel_gap_fills_total',
      help: 'Publications of channels with history that this node read from the store to fill a gap in live delivery (lost or late between nodes)',
      registers: [ctx.metrics.registry],
    });
    this.sequencers = new Sequencers({
      onFilled: (count) => fills.inc(count),
      history,
      logger: ctx.logger,
      gapHoldMs: ctx.config.delivery.gapHoldMs,
      hasLocalMembers: (channel) => namespace.adapter.rooms.has(channel),
      retentionOf: (channel) => {
        const history = ctx.channels.optionsOf(parseChannel(channel))?.history;
        return history ? retentionOf(history) : undefined;
      },
      deliver: (publication, except) => this.deliverLocally(publication, except),
    });
    namespace.adapter.on('delete-room', (room: string) => {
      this.sequencers.roomDeleted(room);
      this.recovery.prune(room);
    });
    if (ctx.cluster) {
      ctx.io.on('channel:publication', (publication, except) => {
        if (!isPublication(publication)) return;
        this.sequencers.offer(publication, Array.isArray(except) ? except : []);
      });
    }
  }

  /** A publication this node committed: to its own sockets now, and to the other nodes. */
  publish(publication: Publication, except: string[]): void {
    this.sequencers.offer(publication, except);
    // Fire and forget: a failure during a Redis outage is handled where the client
    // publishes (redis-connection.ts); the other nodes fill the gap from the store.
    if (this.ctx.cluster) this.ctx.io.serverSideEmit('channel:publication', publication, except);
  }

  /** The periodic position check, in a cluster. */
  positionCheck(history: HistoryRepo): Service {
    const intervalMs = this.ctx.config.delivery.positionCheckIntervalMs;
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    const check = async () => {
      if (running) return;
      running = true;
      try {
        await this.sequencers.checkPositions((channels) => history.lastOffsets(channels));
      } catch (err) {
        this.ctx.logger.warn({ err }, 'channel position check failed');
      } finally {
        running = false;
      }
    };
    return {
      name: 'channel-position-check',
      start: () => {
        if (!this.ctx.cluster || intervalMs === 0) return;
        timer = setInterval(() => void check(), intervalMs);
        timer.unref();
        // Back from a Redis drop: what was lost meanwhile is filled now, not at the next tick.
        this.ctx.cluster.onReconnect?.(() => {
          if (timer) void check();
        });
      },
      stop: () => {
        clearInterval(timer);
        timer = undefined;
        this.sequencers.close();
      },
    };
  }

  /** One emit to this node's sockets in the room, leaving out the publisher and sockets still recovering. */
  private deliverLocally(publication: Publication, except: readonly string[]): void {
    const skip = this.recovery.divert(publication, except);
    for (const id of except) skip.push(id);
    this.ctx.emitter.toLocalRoomRaw(publication.channel, publication.event, [publication.data, metaOf(publication)], skip);
  }
}
