/**
 * Per-node, per-channel delivery in offset order (issue 11), in the manner of
 * Centrifugo's stream positioning. Every publication of a channel with history
 * reaches every node (its own node hands it over directly; the others get it through
 * the adapter's inter-server channel, see channel-fanout.ts), and each node delivers
 * it to its own sockets only through this sequencer, which keeps the channel's
 * "next expected offset":
 *
 * - an offset below it is a duplicate (already delivered, or covered by the position
 *   this node started from) and is dropped;
 * - the expected offset is delivered at once, followed by any held ones it unblocks;
 * - an offset above it is held back. If the gap does not close within `gapHoldMs`
 *   (publications from other nodes race each other on the way), the missing offsets
 *   are read from the store and delivered from there. The store is the truth: offsets
 *   are committed contiguously per channel, so a publication that arrived proves every
 *   lower offset committed, and rows the store no longer holds (trimmed, expired) are
 *   skipped.
 *
 * A publication lost on the way (a Redis restart, a node killed between its commit and
 * its emit) that nothing later reveals is found by the periodic position check: each
 * node compares its channels' positions with the store's newest offsets
 * (`checkPositions`, one query for many channels) and fills what is behind.
 *
 * A sequencer exists while the channel has sockets on this node (or a subscribe is
 * joining); it is positioned from the store's newest offset when the first socket
 * subscribes, or at the first publication that arrives for a room joined otherwise.
 */
import type { Logger } from '../core/logger.js';
import type { Publication } from '../protocol/shapes.js';
import { type HistoryRepo, type RetentionOptions, toPublication } from './history-repo.js';

/** Hands one publication to this node's sockets; `except` are socket ids to leave out. */
export type LocalDelivery = (publication: Publication, except: readonly string[]) => void;

export interface SequencerOptions {
  history: HistoryRepo;
  deliver: LocalDelivery;
  /** The channel's retention, or undefined when it keeps no history (then nothing is sequenced). */
  retentionOf(channel: string): RetentionOptions | undefined;
  /** Whether this node has sockets in the channel's room. */
  hasLocalMembers(channel: string): boolean;
  /** How long a gap may stay open before it is filled from the store. */
  gapHoldMs: number;
  logger: Logger;
  /** Told how many publications a fill delivered from the store (for metrics). */
  onFilled?(count: number): void;
}

interface Held {
  publication: Publication;
  except: readonly string[];
}

/** How many rows one fill reads; a longer gap is filled in several reads. */
const FILL_PAGE = 500;

/** The delivery state of one channel on this node. */
export class ChannelSequencer {
  /** The next offset to deliver; undefined until positioned. */
  next: number | undefined;
  readonly held = new Map<number, Held>();
  /** The newest offset the store was seen to have (position check, fills). */
  knownTop = 0;
  timer: NodeJS.Timeout | undefined;
  filling = false;
  positioning: Promise<void> | undefined;
  /** Subscribes between `acquire` and their join (the room may be empty meanwhile). */
  holders = 0;

  constructor(readonly channel: string) {}

  /** The newest offset this node delivered (or started after): later ones reach its sockets live. */
  get delivered(): number {
    return (this.next ?? 1) - 1;
  }

  /** Whether offsets are known to be missing. */
  get gapOpen(): boolean {
    return this.next !== undefined && (this.held.size > 0 || this.knownTop >= this.next);
  }
}

export class Sequencers {
  private readonly channels = new Map<string, ChannelSequencer>();

  constructor(private readonly options: SequencerOptions) {}

  /** Channels sequenced on this node. */
  get size(): number {
    return this.channels.size;
  }

  /** A publication of a channel with history, from this node or another. */
  offer(publication: Publication, except: readonly string[] = []): void {
    let seq = this.channels.get(publication.channel);
    if (!seq) {
      // Nobody here: nothing to deliver, and no position to keep.
      if (!this.options.hasLocalMembers(publication.channel)) return;
      seq = this.create(publication.channel);
      // Sockets in the room without a subscribe (no position promised): start here.
      seq.next = publication.offset;
    }
    this.accept(seq, publication, except);
  }

  /**
   * The channel's sequencer, positioned (the store's newest offset is read when this
   * node had none), and held until `release`: a subscribe joins the room in between.
   */
  async acquire(channel: string): Promise<ChannelSequencer> {
    const seq = this.channels.get(channel) ?? this.create(channel);
    seq.holders++;
    try {
      if (seq.next === undefined) {
        seq.positioning ??= this.position(seq).finally(() => {
          seq.positioning = undefined;
        });
        await seq.positioning;
      }
      return seq;
    } catch (error) {
      this.release(seq);
      throw error;
    }
  }

  /** Ends an `acquire`; the sequencer goes once the room is empty too. */
  release(seq: ChannelSequencer): void {
    seq.holders--;
    if (seq.holders <= 0 && !this.options.hasLocalMembers(seq.channel)) this.forget(seq.channel);
  }

  /** The room emptied on this node (the adapter's `delete-room`). */
  roomDeleted(channel: string): void {
    const seq = this.channels.get(channel);
    if (seq && seq.holders <= 0) this.forget(channel);
  }

  /** Compares every position with the store's newest offsets and fills what is behind. */
  async checkPositions(lastOffsets: (channels: string[]) => Promise<Map<string, number>>): Promise<void> {
    const positioned = [...this.channels.values()].filter((seq) => seq.next !== undefined);
    for (let start = 0; start < positioned.length; start += FILL_PAGE) {
      const batch = positioned.slice(start, start + FILL_PAGE);
      const tops = await lastOffsets(batch.map((seq) => seq.channel));
      for (const seq of batch) {
        const top = tops.get(seq.channel) ?? 0;
        if (top > seq.knownTop) seq.knownTop = top;
        // Publications in flight arrive within the hold; only what is still missing then is read.
        if (seq.gapOpen) this.armGap(seq);
      }
    }
  }

  /** Stops every timer (shutdown). */
  close(): void {
    for (const seq of this.channels.values()) clearTimeout(seq.timer);
    this.channels.clear();
  }

  private create(channel: string): ChannelSequencer {
    const seq = new ChannelSequencer(channel);
    this.channels.set(channel, seq);
    return seq;
  }

  private forget(channel: string): void {
    const seq = this.channels.get(channel);
    if (!seq) return;
    clearTimeout(seq.timer);
    this.channels.delete(channel);
  }

  /** Starts after the store's newest offset: everything up to it precedes this node's subscribers. */
  private async position(seq: ChannelSequencer): Promise<void> {
    const top = await this.options.history.lastOffset(seq.channel);
    if (seq.next !== undefined) return;
    seq.next = top + 1;
    seq.knownTop = Math.max(seq.knownTop, top);
    this.drain(seq);
  }

  private accept(seq: ChannelSequencer, publication: Publication, except: readonly string[]): void {
    const { offset } = publication;
    if (seq.next === undefined || offset > seq.next) {
      if (!seq.held.has(offset)) seq.held.set(offset, { publication, except });
      if (seq.next !== undefined) this.armGap(seq);
      return;
    }
    if (offset < seq.next) return;
    this.emit(seq, publication, except);
    this.drain(seq);
  }

  private emit(seq: ChannelSequencer, publication: Publication, except: readonly string[]): void {
    seq.next = publication.offset + 1;
    this.options.deliver(publication, except);
  }

  /** Delivers the held publications that follow on, drops those behind. */
  private drain(seq: ChannelSequencer): void {
    for (let held = seq.held.get(seq.next as number); held; held = seq.held.get(seq.next as number)) {
      seq.held.delete(held.publication.offset);
      this.emit(seq, held.publication, held.except);
    }
    for (const offset of seq.held.keys()) if (offset < (seq.next as number)) seq.held.delete(offset);
    if (!seq.gapOpen) {
      clearTimeout(seq.timer);
      seq.timer = undefined;
    } else this.armGap(seq);
  }

  private armGap(seq: ChannelSequencer, delay = this.options.gapHoldMs): void {
    if (seq.timer || seq.filling) return;
    seq.timer = setTimeout(() => {
      seq.timer = undefined;
      void this.fill(seq);
    }, delay);
    seq.timer.unref?.();
  }

  /** Reads the missing offsets from the store and delivers them, in order. */
  private async fill(seq: ChannelSequencer): Promise<void> {
    const retention = this.options.retentionOf(seq.channel);
    if (!seq.gapOpen || !retention || this.channels.get(seq.channel) !== seq) return;
    seq.filling = true;
    let more = false;
    try {
      const from = seq.delivered;
      const page = await this.options.history.read(seq.channel, { ...retention, since: from, limit: FILL_PAGE });
      if (this.channels.get(seq.channel) !== seq) return;
      seq.knownTop = Math.max(seq.knownTop, page.lastOffset);
      let filled = 0;
      for (const row of page.publications) {
        if (row.offset < (seq.next as number)) continue;
        if (row.offset > (seq.next as number)) this.skipped(seq, row.offset);
        const held = seq.held.get(row.offset);
        seq.held.delete(row.offset);
        if (!held) filled++;
        this.emit(seq, held?.publication ?? toPublication(seq.channel, row), held?.except ?? []);
      }
      if (filled > 0) this.options.onFilled?.(filled);
      more = page.hasMore;
      // The store holds nothing up to the first held offset: those rows are gone (trimmed).
      const firstHeld = Math.min(...seq.held.keys());
      if (!more && seq.held.size > 0 && firstHeld > (seq.next as number)) {
        this.skipped(seq, firstHeld);
        seq.next = firstHeld;
      }
    } catch (err) {
      this.options.logger.warn({ err, channel: seq.channel }, 'filling a channel gap from the store failed; retrying');
    } finally {
      seq.filling = false;
    }
    if (this.channels.get(seq.channel) !== seq) return;
    this.drain(seq);
    if (more && seq.gapOpen) {
      clearTimeout(seq.timer);
      seq.timer = undefined;
      this.armGap(seq, 0);
    }
  }

  private skipped(seq: ChannelSequencer, to: number): void {
    this.options.logger.warn(
      { channel: seq.channel, from: seq.next, to: to - 1 },
      'publications no longer in history were skipped for live delivery',
    );
  }
}
