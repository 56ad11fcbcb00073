/**
 * The parent's handle on the load workers: spreads users over ≥2 worker processes
 * (so clients never share the server's process or one core), sends each the same
 * command, and merges their answers.
 */
import { firstMessage, forkTs, waitForExit } from '../fork.js';
import { Histogram, type HistogramData } from '../histogram.js';
import { IpcPeer } from '../ipc.js';
import type { DriveKind, ListenEvent } from './events.js';

export interface ConnectSummary {
  connected: number;
  failed: number;
  firstError?: string;
  startedAt: number;
  finishedAt: number;
}

export interface Collected {
  received: number;
  firstAt: number;
  lastAt: number;
  histogram: Histogram;
}

export class LoadCluster {
  private readonly totals: number[];
  private shares: string[][] = [];
  private progressWaiters: Array<() => void> = [];

  private constructor(
    private readonly peers: IpcPeer[],
    onProgress: (total: number) => void,
  ) {
    this.totals = peers.map(() => 0);
    peers.forEach((peer, i) => {
      peer.child.on('message', (message: { type?: string; total?: number }) => {
        if (message?.type !== 'progress') return;
        this.totals[i] = Number(message.total);
        onProgress(this.delivered);
        const waiters = this.progressWaiters;
        this.progressWaiters = [];
        for (const wake of waiters) wake();
      });
    });
  }

  /** Forks `count` workers; `onProgress` gets the summed receive counter. */
  static async start(count: number, onProgress: (total: number) => void): Promise<LoadCluster> {
    const children = Array.from({ length: count }, () => forkTs('./load/worker.ts'));
    await Promise.all(children.map((child) => firstMessage(child, 'ready')));
    return new LoadCluster(
      children.map((child) => new IpcPeer(child)),
      onProgress,
    );
  }

  /** Receipts so far, summed over the workers (never reset). */
  get delivered(): number {
    return this.totals.reduce((a, b) => a + b, 0);
  }

  /** Resolves on the next progress report, or after `ms`. */
  waitForProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.progressWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get size(): number {
    return this.peers.length;
  }

  private all<T>(type: string, fields: (i: number) => Record<string, unknown> = () => ({})): Promise<T[]> {
    return Promise.all(this.peers.map((peer, i) => peer.request<T>(type, fields(i))));
  }

  /** Connects `users` (round-robin over workers); `secret` mints a JWT per user, else the bare `auth.userId`. */
  async connect(url: string, users: string[], options: { secret?: string; concurrency?: number } = {}): Promise<ConnectSummary> {
    this.shares = this.peers.map((_, w) => users.filter((_, i) => i % this.peers.length === w));
    const parts = await this.all<ConnectSummary>('connect', (w) => ({ url, users: this.shares[w], ...options }));
    return {
      connected: parts.reduce((a, p) => a + p.connected, 0),
      failed: parts.reduce((a, p) => a + p.failed, 0),
      firstError: parts.find((p) => p.firstError)?.firstError,
      startedAt: Math.min(...parts.map((p) => p.startedAt)),
      finishedAt: Math.max(...parts.map((p) => p.finishedAt)),
    };
  }

  async subscribe(channel: string): Promise<{ failed: number; firstError?: unknown }> {
    const parts = await this.all<{ failed: number; firstError?: unknown }>('subscribe', () => ({ channel }));
    return { failed: parts.reduce((a, p) => a + p.failed, 0), firstError: parts.find((p) => p.firstError)?.firstError };
  }

  /** Counts `event` on every socket; a worker reports progress every `perReport(its clients)` receipts. */
  async listen(event: ListenEvent, perReport: (clients: number) => number): Promise<void> {
    await this.all('listen', (w) => ({ event, reportEvery: perReport(this.shares[w]?.length ?? 1) }));
  }

  async reset(): Promise<void> {
    await this.all('reset');
  }

  async drive(kind: DriveKind, durationMs: number, payloadBytes: number): Promise<{ sent: number; errors: number; firstError?: unknown }> {
    const parts = await this.all<{ sent: number; errors: number; firstError?: unknown }>('drive', () => ({
      kind,
      durationMs,
      payloadBytes,
    }));
    return {
      sent: parts.reduce((a, p) => a + p.sent, 0),
      errors: parts.reduce((a, p) => a + p.errors, 0),
      firstError: parts.find((p) => p.firstError)?.firstError,
    };
  }

  async collect(): Promise<Collected> {
    const parts = await this.all<{ received: number; firstAt: number; lastAt: number; histogram: HistogramData }>('collect');
    const histogram = new Histogram();
    for (const part of parts) histogram.add(part.histogram);
    const active = parts.filter((p) => p.received > 0);
    return {
      received: parts.reduce((a, p) => a + p.received, 0),
      firstAt: active.length ? Math.min(...active.map((p) => p.firstAt)) : 0,
      lastAt: active.length ? Math.max(...active.map((p) => p.lastAt)) : 0,
      histogram,
    };
  }

  /** Disconnects every socket and ends the workers. */
  async stop(): Promise<void> {
    await this.all('close').catch(() => undefined);
    for (const peer of this.peers) peer.child.disconnect();
    await Promise.all(this.peers.map((peer) => waitForExit(peer.child, 5000)));
  }
}
