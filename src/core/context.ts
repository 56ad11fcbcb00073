/**
 * The context every feature is set up with (STYLE.md #4): `setup(ctx)` is the one
 * plugin signature (src/core/feature.ts), and `ctx` carries the shared core services.
 * Features never import each other's internals; what they share goes through here.
 */
import type { Redis } from 'ioredis';
import type { Authenticator } from '../auth/authenticator.js';
import type { ChannelPolicy } from '../channels/channel-policy.js';
import type { SwitchboardConfig } from '../config/schema.js';
import type { Metrics } from '../monitoring/metrics.js';
import type { DeadlineQueues } from '../presence/deadlines.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Emitter } from '../realtime/emitter.js';
import type { EventRouter } from '../realtime/event-router.js';
import type { SwitchboardServer, SwitchboardSocket } from '../realtime/socket-types.js';
import type { Store } from '../store/store.js';
import type { DomainEventBus } from './domain-events.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';

export type { SwitchboardServer, SwitchboardSocket };

/** What the rest of the server may ask of the scale-out backend (`ctx.cluster`). */
export interface ClusterStatus {
  /** Resolves when the backend answers (Redis PING); used by /ready. */
  ping(): Promise<void>;
  /** The Redis command client and key prefix, for cluster-wide state a feature keeps (webhook occupancy, connection caps). */
  readonly shared: { readonly client: Redis; readonly keyPrefix: string };
  /** Calls `listener` each time the adapter's connection is back after a drop (emits between nodes may have been lost). */
  onReconnect?(listener: () => void): void;
}

/**
 * What the PresenceStore decided about a connection, atomically across nodes:
 * whether it was the user's first device (on connect) or last one (on disconnect),
 * and whether a first device came back within the offline grace (`returned`: nobody
 * was told the user left, so nobody is to be told it came back).
 */
export interface PresenceTransition {
  firstDevice?: boolean;
  returned?: boolean;
  lastDevice?: boolean;
}

/** Hooks run for every authenticated connection, in registration order, after presence is recorded. */
export type ConnectionHook = (socket: SwitchboardSocket, presence: PresenceTransition) => void | Promise<void>;
/** Hooks run after a socket left, once presence forgot it. */
export type DisconnectHook = (socket: SwitchboardSocket, reason: string, presence: PresenceTransition) => void | Promise<void>;
/**
 * Hooks run once, on one node of the cluster, when a user's offline grace ended without
 * a device coming back, also when the node that held its last device died.
 */
export type UserOfflineHook = (userId: string, lastSeen: number) => void | Promise<void>;

/**
 * Checks of a Socket.IO handshake (issue 12): `beforeAuth` runs before any token is
 * looked at (cheap per-IP limits), `afterAuth` once the principal is in `socket.data`
 * (per-user limits). Either refuses by throwing a SwitchboardError: the client gets
 * `connect_error` with its code.
 */
export interface AdmissionCheck {
  beforeAuth?(socket: SwitchboardSocket): void | Promise<void>;
  afterAuth?(socket: SwitchboardSocket): void | Promise<void>;
}

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
  readonly metrics: Metrics;
  readonly presence: PresenceStore;
  /** Named queues of deadlines shared by every node (typing expiry): memory, or Redis in a cluster. */
  readonly deadlines: DeadlineQueues;
  readonly rateLimiter: RateLimiter;
  readonly auth: Authenticator;
  /** The one channel-policy module: every join, publish and history read asks it. */
  readonly channels: ChannelPolicy;
  /** The socket event router (features hand it their handlers through `FeatureParts.events`). */
  readonly events: EventRouter;
  /** Domain events for the outbound webhooks (src/core/domain-events.ts); no-ops without webhooks. */
  readonly domainEvents: DomainEventBus;
  /** Emits to users, rooms and everyone, counting events out. */
  readonly emitter: Emitter;
  readonly lifecycle: Lifecycle;
  /** The scale-out backend (Redis) when `redis.url` is set; undefined on a single node. */
  readonly cluster?: ClusterStatus;
  /** A unique id of this process among the nodes of a cluster. */
  readonly nodeId: string;
  /** Process start, for uptime. */
  readonly startedAt: number;
  /** The readiness checks features added, by name (read by GET /ready). */
  readonly readinessChecks: ReadonlyMap<string, ReadinessCheck>;
  /** A method another feature provided, or throws if that feature is not registered. */
  use<K extends keyof ProvidedApi>(name: K): ProvidedApi[K];
}

/**
 * Programmatic operations that features provide to each other and to the public API.
 * Features extend this interface by declaration merging in their own folder.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ProvidedApi {}
