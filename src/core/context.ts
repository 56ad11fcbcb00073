/**
 * The context every feature registers with (STYLE.md #4): `register(ctx)` is the one
 * plugin signature, and `ctx` carries the shared services. Features never import each
 * other's internals; what they share goes through here.
 */
import type { FastifyInstance } from 'fastify';
import type { Server, Socket } from 'socket.io';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChannelPolicy } from '../channels/channel-policy.js';
import type { ClusterStatus } from '../cluster/redis-cluster.js';
import type { SwitchboardConfig } from '../config/schema.js';
import type { Metrics } from '../monitoring/metrics.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../protocol/events.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Emitter } from '../realtime/emitter.js';
import type { EventRouter } from '../realtime/event-router.js';
import type { Store } from '../store/store.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';

export type SwitchboardServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SwitchboardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * What the PresenceStore decided about a connection, atomically across nodes:
 * whether it was the user's first device (on connect) or last one (on disconnect).
 */
export interface PresenceTransition {
  firstDevice?: boolean;
  lastDevice?: boolean;
}

/** Hooks run for every authenticated connection, in registration order, after presence is recorded. */
export type ConnectionHook = (socket: SwitchboardSocket, presence: PresenceTransition) => void | Promise<void>;
/** Hooks run after a socket left, once presence forgot it. */
export type DisconnectHook = (socket: SwitchboardSocket, reason: string, presence: PresenceTransition) => void | Promise<void>;

/**
 * Contributions to the `connected` payload: each returns fields merged into it
 * (e.g. notifications add `unreadNotifications`).
 */
export type ConnectedFieldsProvider = (socket: SwitchboardSocket) => Promise<Record<string, unknown>>;

/**
 * A readiness probe for GET /ready, added by a feature with a backing service of its
 * own (the Kafka bridge): resolves when ready, throws with the reason when not.
 */
export type ReadinessCheck = () => Promise<void> | void;

export interface SwitchboardContext {
  readonly config: Readonly<SwitchboardConfig>;
  readonly logger: Logger;
  readonly store: Store;
  readonly io: SwitchboardServer;
  /** Fastify instance for HTTP routes (same port as Socket.IO). */
  readonly http: FastifyInstance;
  readonly metrics: Metrics;
  readonly presence: PresenceStore;
  readonly rateLimiter: RateLimiter;
  readonly auth: Authenticator;
  /** The one channel-policy module: every join, publish and history read asks it. */
  readonly channels: ChannelPolicy;
  /** Registers validated, rate-limited socket event handlers. */
  readonly events: EventRouter;
  /** Emits to users, rooms and everyone, counting events out. */
  readonly emitter: Emitter;
  readonly lifecycle: Lifecycle;
  /** The scale-out backend (Redis) when `redis.url` is set; undefined on a single node. */
  readonly cluster?: ClusterStatus;
  /** A unique id of this process among the nodes of a cluster. */
  readonly nodeId: string;
  /** Process start, for uptime. */
  readonly startedAt: number;
  onConnection(hook: ConnectionHook): void;
  onDisconnect(hook: DisconnectHook): void;
  addConnectedFields(provider: ConnectedFieldsProvider): void;
  /** Adds a named check to GET /ready, next to the store and adapter checks. */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** The checks features added, by name (read by the monitoring feature). */
  readonly readinessChecks: ReadonlyMap<string, ReadinessCheck>;
  /**
   * Features offer programmatic API methods (`publish`, `notify`, …) here; the
   * library's return value and the HTTP server API call the same functions.
   */
  provide<K extends keyof ProvidedApi>(name: K, fn: ProvidedApi[K]): void;
  /** A method another feature provided, or throws if that feature is not registered. */
  use<K extends keyof ProvidedApi>(name: K): ProvidedApi[K];
}

/**
 * Programmatic operations that features provide to each other and to the public API.
 * Features extend this interface by declaration merging in their own folder.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ProvidedApi {}

/** A feature: one folder, one `register`. */
export interface Feature {
  readonly name: string;
  register(ctx: SwitchboardContext): void | Promise<void>;
}
