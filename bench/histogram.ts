/**
 * A mergeable latency histogram: logarithmic buckets 2% wide from 1 µs to about
 * 100 s, so workers can send compact bucket counts to the parent and the parent
 * can sum them before taking percentiles (±1% error is plenty for p50/p99).
 */

const RATIO = Math.log(1.02);
const BUCKETS = Math.ceil(Math.log(1e8) / RATIO) + 1;

/** Sparse form sent over IPC: `[bucket, count]` pairs. */
export type HistogramData = Array<[number, number]>;

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const micros = Math.max(1, ms * 1000);
    const bucket = Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / RATIO));
    this.counts[bucket]! += 1;
    this.count += 1;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }

  toData(): HistogramData {
    const data: HistogramData = [];
    this.counts.forEach((n, bucket) => {
      if (n > 0) data.push([bucket, n]);
    });
    return data;
  }

  add(data: HistogramData): void {
    for (const [bucket, n] of data) {
      this.counts[bucket]! += n;
      this.count += n;
    }
  }

  /** The latency (ms, bucket midpoint) below which `p` percent of samples fall; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = (p / 100) * this.count;
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.exp((bucket + 0.5) * RATIO) / 1000;
    }
    return Math.exp(BUCKETS * RATIO) / 1000;
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
