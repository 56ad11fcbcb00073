/**
 * What a benchmark target (the bare Socket.IO ceiling or Switchboard) offers the
 * server-side driver: the server-initiated operations of the scenarios. Client-
 * initiated ones (subscribe, echo, message:send) are socket events on both.
 */

export type TargetName = 'bare' | 'switchboard';

/** Options a server child is started with (passed as JSON in BENCH_TARGET). */
export interface TargetOptions {
  target: TargetName;
  /** WebSocket per-message deflate; @default false (Switchboard's default) */
  compression?: boolean;
  /** Socket.IO connection-state recovery (120 s window when on); @default the target's own default */
  recovery?: boolean;
  /** Switchboard's store: an SQLite file (default) or PostgreSQL (a schema of its own, dropped after). */
  store?: 'sqlite' | 'postgres';
}

/** The PostgreSQL server of the `postgres` rows. */
export const BENCH_PG_URL = process.env.SWITCHBOARD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The key the app-backend load (POST /api/publish) presents; the bare target accepts any. */
export const BENCH_API_KEY = 'sk_bench_0123456789abcdef';

/** Which optional features the build has; the bare target has them all. */
export interface TargetFeatures {
  publish: boolean;
  chat: boolean;
  notify: boolean;
}

export interface BenchTarget {
  url: string;
  features: TargetFeatures;
  /** A channel publication: event `event` with args `(data, { channel, offset, timestamp })`. */
  publish(channel: string, event: string, data: Record<string, unknown>): unknown;
  /** `broadcast { title, message, from, timestamp }` to everyone connected. */
  broadcast(title: string, message: string): unknown;
  /** A `notification` to every device of one user (persisted on Switchboard). */
  notify(userId: string, title: string, message: string, data: Record<string, unknown>): unknown;
  /** One call that notifies many users (Switchboard: one `notify({ userIds })`; bare: an emit per user). */
  notifyMany(userIds: string[], title: string, message: string, data: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

/** The HS256 secret the Switchboard target and the load workers share. */
export const BENCH_SECRET = 'bench-secret-0123456789abcdef-0123456789';

/** The public channel namespaces the fan-out scenario subscribes to. */
export const BENCH_CHANNELS = {
  /** no history: publish is an emit */
  plain: 'bench:1',
  /** history on: every publication is stored with the next offset first */
  history: 'benchhist:1',
} as const;
