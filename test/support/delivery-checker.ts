/**
 * A loss / duplicate / order checker over every subscriber's stream (STYLE.md #11, in
 * the spirit of Maelstrom's broadcast checker): publishers record what was
 * acknowledged, each subscriber records what it received and from where it was
 * entitled to receive, and `report()` counts, for every subscriber and stream:
 *
 * - **lost**: acknowledged items inside the subscriber's window it never received;
 * - **duplicated**: deliveries of an item it had already received;
 * - **out of order**: deliveries of an item older (lower `seq`) than one it had
 *   already received on that stream (only for ordered streams);
 * - **unacknowledged**: items received that no publisher saw acknowledged (a
 *   publisher whose ack was cut off by a crash): not an error, reported apart.
 *
 * A subscriber's window on a stream starts after the `seq` it subscribed from
 * (`from`, e.g. the subscribe ack's offset or its `since`) and, if it left, ends at
 * `until`; it covers everything in between across its reconnects.
 *
 * @example
 * const checker = new DeliveryChecker();
 * const alice = checker.subscriber('alice@node-1');
 * alice.from('trip:1', ack.offset);
 * socket.on('trip:updated', (p) => alice.received(p.channel, p.offset));
 * checker.acknowledged('trip:1', (await publish()).offset);
 * expect(checker.report()).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 });
 */

/** The position of an item in its stream: an offset (ordered streams) or an id (unordered). */
export type Seq = number | string;

export interface StreamOptions {
  /** Whether deliveries must follow `seq` order (numeric `seq` only); @default true */
  ordered?: boolean;
}

export interface SubscriberFindings {
  subscriber: string;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unacknowledged: number;
  /** The first few lost items, `stream#seq`, to read in a failure message. */
  lostSample: string[];
  /** The first few out-of-order deliveries, `stream#seq after seq`. */
  outOfOrderSample: string[];
}

export interface DeliveryReport {
  /** Acknowledged items, over all streams. */
  acknowledged: number;
  subscribers: number;
  /** Sum over subscribers of the acknowledged items in their windows. */
  expected: number;
  /** Deliveries recorded, duplicates included. */
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unacknowledged: number;
  /** Largest distance, in `seq`, by which a delivery came behind a newer one. */
  maxOutOfOrderDistance: number;
  perSubscriber: SubscriberFindings[];
}

interface Window {
  from: number;
  until: number;
}

const SAMPLE = 10;

/** What one subscriber saw (create with `checker.subscriber(name)`). */
export class SubscriberLog {
  /** stream → deliveries, in arrival order. */
  readonly deliveries = new Map<string, Seq[]>();
  /** stream → the window this subscriber is entitled to. */
  readonly windows = new Map<string, Window>();

  constructor(readonly name: string) {}

  /**
   * The subscriber's window on `stream` starts after `seq` (items with a higher seq
   * are expected). A later call (a resubscribe) never narrows it: the first one counts.
   */
  from(stream: string, seq: number): void {
    if (!this.windows.has(stream)) this.windows.set(stream, { from: seq, until: Number.POSITIVE_INFINITY });
  }

  /** The subscriber left `stream` after `seq`: later items are not expected. */
  until(stream: string, seq: number): void {
    const window = this.windows.get(stream);
    if (window) window.until = seq;
  }

  received(stream: string, seq: Seq): void {
    let list = this.deliveries.get(stream);
    if (!list) {
      list = [];
      this.deliveries.set(stream, list);
    }
    list.push(seq);
  }

  /** Deliveries on every stream, duplicates included. */
  get count(): number {
    let n = 0;
    for (const list of this.deliveries.values()) n += list.length;
    return n;
  }
}

export class DeliveryChecker {
  private readonly acked = new Map<string, Set<Seq>>();
  private readonly streamOptions = new Map<string, Required<StreamOptions>>();
  private readonly subscribers: SubscriberLog[] = [];

  /** Declares how a stream is checked (streams are ordered unless told otherwise). */
  stream(name: string, options: StreamOptions): this {
    this.streamOptions.set(name, { ordered: options.ordered ?? true });
    return this;
  }

  /** An item whose publication was acknowledged: every subscriber whose window covers it must get it once. */
  acknowledged(stream: string, seq: Seq): void {
    let set = this.acked.get(stream);
    if (!set) {
      set = new Set();
      this.acked.set(stream, set);
    }
    set.add(seq);
  }

  /** The acknowledged items of a stream (or of every stream). */
  acknowledgedCount(stream?: string): number {
    if (stream !== undefined) return this.acked.get(stream)?.size ?? 0;
    let n = 0;
    for (const set of this.acked.values()) n += set.size;
    return n;
  }

  /** The acknowledged items of a stream, in no particular order. */
  acknowledgedItems(stream: string): Seq[] {
    return [...(this.acked.get(stream) ?? [])];
  }

  subscriber(name: string): SubscriberLog {
    const log = new SubscriberLog(name);
    this.subscribers.push(log);
    return log;
  }

  report(): DeliveryReport {
    const report: DeliveryReport = {
      acknowledged: this.acknowledgedCount(),
      subscribers: this.subscribers.length,
      expected: 0,
      delivered: 0,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unacknowledged: 0,
      maxOutOfOrderDistance: 0,
      perSubscriber: [],
    };
    for (const log of this.subscribers) {
      const findings = this.check(log, report);
      report.perSubscriber.push(findings);
      report.expected += findings.expected;
      report.delivered += findings.delivered;
      report.lost += findings.lost;
      report.duplicated += findings.duplicated;
      report.outOfOrder += findings.outOfOrder;
      report.unacknowledged += findings.unacknowledged;
    }
    return report;
  }

  private check(log: SubscriberLog, report: DeliveryReport): SubscriberFindings {
    const findings: SubscriberFindings = {
      subscriber: log.name,
      expected: 0,
      delivered: log.count,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unacknowledged: 0,
      lostSample: [],
      outOfOrderSample: [],
    };
    for (const [stream, deliveries] of log.deliveries) {
      const acked = this.acked.get(stream) ?? new Set<Seq>();
      const ordered = this.streamOptions.get(stream)?.ordered ?? true;
      const seen = new Set<Seq>();
      let newest = Number.NEGATIVE_INFINITY;
      for (const seq of deliveries) {
        if (seen.has(seq)) findings.duplicated++;
        seen.add(seq);
        if (!acked.has(seq)) findings.unacknowledged++;
        if (!ordered || typeof seq !== 'number') continue;
        if (seq < newest) {
          findings.outOfOrder++;
          report.maxOutOfOrderDistance = Math.max(report.maxOutOfOrderDistance, newest - seq);
          if (findings.outOfOrderSample.length < SAMPLE) findings.outOfOrderSample.push(`${stream}#${seq} after ${newest}`);
        } else newest = seq;
      }
    }
    for (const [stream, window] of log.windows) {
      const received = new Set(log.deliveries.get(stream) ?? []);
      for (const seq of this.acked.get(stream) ?? []) {
        if (!inWindow(seq, window)) continue;
        findings.expected++;
        if (received.has(seq)) continue;
        findings.lost++;
        if (findings.lostSample.length < SAMPLE) findings.lostSample.push(`${stream}#${seq}`);
      }
    }
    return findings;
  }
}

/** Unordered streams (string ids) have no window bounds: every acknowledged id is expected. */
function inWindow(seq: Seq, window: Window): boolean {
  return typeof seq !== 'number' || (seq > window.from && seq <= window.until);
}

/** One line of figures, for logs and reports. */
export function formatReport(name: string, report: DeliveryReport): string {
  const { acknowledged, subscribers, expected, delivered, lost, duplicated, outOfOrder, unacknowledged, maxOutOfOrderDistance } = report;
  return (
    `[checker] ${name}: acknowledged=${acknowledged} subscribers=${subscribers} expected=${expected} delivered=${delivered} ` +
    `lost=${lost} duplicated=${duplicated} outOfOrder=${outOfOrder} (max ${maxOutOfOrderDistance} back) unacknowledged=${unacknowledged}`
  );
}
