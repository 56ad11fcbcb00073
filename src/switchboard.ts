/**
 * The embeddable core (STYLE.md #2): attaches Socket.IO and the HTTP API to any
 * `http.Server` (plain Node or Express) and returns the programmatic API. The
 * standalone server (server.ts) and the CLI are thin shells around this.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { hostname } from 'node:os';
import { authFeature } from './auth/auth-feature.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createHandshakeMiddleware } from './auth/handshake.js';
import { createJwtVerifier } from './auth/jwt-verifier.js';
import { SessionsRepo } from './auth/sessions/sessions-repo.js';
import { broadcastFeature } from './broadcast/broadcast-feature.js';
import { ChannelPolicy } from './channels/channel-policy.js';
import { channelsFeature } from './channels/channels-feature.js';
import { chatFeature } from './chat/chat-feature.js';
import { type RedisCluster, startRedisCluster } from './cluster/redis-cluster.js';
import { commandsFeature } from './commands/commands-feature.js';
import { loadConfig } from './config/load.js';
import type { SwitchboardConfig, SwitchboardConfigInput } from './config/schema.js';
import type {
  ConnectedFieldsProvider,
  ConnectionHook,
  DisconnectHook,
  Feature,
  ProvidedApi,
  ReadinessCheck,
  SwitchboardContext,
  SwitchboardSocket,
} from './core/context.js';
import { isoNow } from './core/ids.js';
import { Lifecycle } from './core/lifecycle.js';
import { createLogger, type Logger } from './core/logger.js';
import { createHttpApp } from './http/app.js';
import { kafkaFeature } from './kafka/kafka-feature.js';
import { createMetrics, type Metrics } from './monitoring/metrics.js';
import { monitoringFeature, statsSnapshot } from './monitoring/monitoring-feature.js';
import { notificationsFeature } from './notifications/notifications-feature.js';
import { createMemoryPresence } from './presence/memory-presence.js';
import type { PresenceStore } from './presence/presence-store.js';
import type { ServerToClientEvents } from './protocol/events.js';
import { createMemoryRateLimiter, type RateLimiter } from './rate-limit/rate-limiter.js';
import { Emitter } from './realtime/emitter.js';
import { EventRouter } from './realtime/event-router.js';
import { userRoom } from './realtime/rooms.js';
import { createSocketServer } from './realtime/socket-server.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

/** Built-in features, registered in this order. */
export const BUILTIN_FEATURES: Feature[] = [
  authFeature,
  commandsFeature,
  monitoringFeature,
  broadcastFeature,
  channelsFeature,
  notificationsFeature,
  chatFeature,
  kafkaFeature,
];

export interface SwitchboardOptions {
  /** The HTTP server to attach to (it may already serve an Express app). */
  server: HttpServer;
  /**
   * Configuration: a plain object validated like a config file, or one already
   * loaded with `loadConfig()`. The library does not read the environment itself.
   */
  config?: SwitchboardConfigInput | Readonly<SwitchboardConfig>;
  logger?: Logger;
  /** An opened store; by default one is opened from `config.database.url`. */
  store?: Store;
  presence?: PresenceStore;
  rateLimiter?: RateLimiter;
  /**
   * Serve the HTTP API (`/health`, `/ready`, `/metrics`, `/api/*`) on the same server.
   * `prefix` mounts it under a path (e.g. `/realtime`); other requests go to the host app.
   * @default { prefix: '' }
   */
  httpApi?: false | { prefix?: string };
}

export interface SwitchboardStats {
  connections: number;
  users: number;
  rooms: { count: number; list: Array<{ room: string; members: number }> };
  /** Nodes sharing the adapter (1 on a single node). */
  nodes: number;
  eventsPerSecond: number;
  errorsByCode: Record<string, number>;
  uptimeSeconds: number;
  nodeId: string;
}

/** The programmatic API returned by `createSwitchboard`. */
export interface Switchboard extends ProvidedApi {
  /** Emits an event to every device of a user (on any node). */
  emitToUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  isUserOnline(userId: string): Promise<boolean>;
  getOnlineUsers(): Promise<string[]>;
  getUserSockets(userId: string): Promise<string[]>;
  stats(): Promise<SwitchboardStats>;
  /**
   * Graceful stop: refuses new connections, waits for in-flight acks and store writes
   * (up to `shutdownTimeoutMs`), closes transports so clients reconnect elsewhere,
   * stops services and closes the store. The host's http.Server is left open.
   */
  close(): Promise<void>;
  /** The shared context (advanced use: custom features, tests). */
  readonly context: SwitchboardContext;
  readonly config: Readonly<SwitchboardConfig>;
}

function resolveConfig(config: SwitchboardOptions['config']): Readonly<SwitchboardConfig> {
  if (config && Object.isFrozen(config)) return config as Readonly<SwitchboardConfig>;
  return loadConfig({ env: {}, overrides: (config ?? {}) as SwitchboardConfigInput });
}

function isApiPath(url: string | undefined, prefix: string): boolean {
  const path = (url ?? '/').split('?')[0] ?? '/';
  if (!path.startsWith(prefix)) return false;
  const rest = path.slice(prefix.length);
  return rest === '/health' || rest === '/ready' || rest === '/metrics' || rest.startsWith('/api/');
}

/**
 * Creates a Switchboard on an existing HTTP server.
 * @example
 * const server = http.createServer(expressApp);
 * const sb = await createSwitchboard({ server, config: { auth: { jwtSecret } } });
 * server.listen(3000);
 * sb.emitToUser('42', 'broadcast', { title: 'Hi', message: 'there', from: 'app', timestamp: new Date().toISOString() });
 */
export async function createSwitchboard(options: SwitchboardOptions, features: Feature[] = BUILTIN_FEATURES): Promise<Switchboard> {
  const config = resolveConfig(options.config);
  const logger = options.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty });
  const startedAt = Date.now();
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  if (!config.auth.jwtSecret && !config.auth.jwtPublicKey && !config.auth.jwksUrl) {
    logger.warn('no JWT key configured: only guest session tokens will be accepted');
  }

  const ownsStore = !options.store;
  const store = options.store ?? createStore(config.database.url, { poolSize: config.database.poolSize });
  await store.migrate();

  let cluster: RedisCluster | undefined;
  try {
    if (config.redis.url) cluster = await startRedisCluster({ config, logger, nodeId });
  } catch (err) {
    if (ownsStore) await store.close();
    throw err;
  }

  const metrics: Metrics = createMetrics();
  const lifecycle = new Lifecycle(logger);
  const presence = options.presence ?? cluster?.presence ?? createMemoryPresence();
  if (cluster && presence === cluster.presence) lifecycle.add(cluster.presence.heartbeat);
  const rateLimiter = options.rateLimiter ?? cluster?.rateLimiter ?? createMemoryRateLimiter(config.rateLimits);
  const auth = createAuthenticator(createJwtVerifier(config.auth), new SessionsRepo(store));
  const events = new EventRouter({ rateLimiter, metrics, lifecycle, logger, floodDisconnectAfter: config.floodDisconnectAfter });

  // HTTP first, so that Socket.IO (attached after) sees its own path before ours.
  const server = options.server;
  const prefix = options.httpApi === false ? '' : (options.httpApi?.prefix ?? '').replace(/\/$/, '');
  const { app, handler } = createHttpApp({ server, logger, metrics, corsOrigins: config.cors.origins });

  const io = createSocketServer(server, config, (req) => {
    metrics.handshakeFailures.inc({ code: 'FORBIDDEN' });
    logger.info(
      {
        audit: 'handshake',
        outcome: 'refused',
        code: 'FORBIDDEN',
        reason: 'origin not allowed',
        address: req.socket.remoteAddress,
        origin: req.headers.origin,
      },
      'handshake refused',
    );
  });
  cluster?.attach(io);
  const emitter = new Emitter(io, metrics);

  const connectionHooks: ConnectionHook[] = [];
  const disconnectHooks: DisconnectHook[] = [];
  const connectedFields: ConnectedFieldsProvider[] = [];
  const readinessChecks = new Map<string, ReadinessCheck>();
  const provided: Partial<ProvidedApi> = {};

  const ctx: SwitchboardContext = {
    config,
    logger,
    store,
    io,
    http: app,
    metrics,
    presence,
    rateLimiter,
    auth,
    channels: new ChannelPolicy(config.channels),
    events,
    emitter,
    lifecycle,
    cluster,
    nodeId,
    startedAt,
    onConnection: (hook) => connectionHooks.push(hook),
    onDisconnect: (hook) => disconnectHooks.push(hook),
    addConnectedFields: (provider) => connectedFields.push(provider),
    addReadinessCheck: (name, check) => readinessChecks.set(name, check),
    readinessChecks,
    provide(name, fn) {
      provided[name] = fn;
    },
    use(name) {
      const fn = provided[name];
      if (!fn) throw new Error(`no feature provides "${String(name)}"`);
      return fn as ProvidedApi[typeof name];
    },
  };

  for (const feature of features) await feature.register(ctx);
  await app.ready();

  if (options.httpApi !== false) {
    const fastifyHandler = handler();
    const hostListeners = server.listeners('request') as Array<(...args: unknown[]) => void>;
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      if (hostListeners.length === 0 || isApiPath(req.url, prefix)) {
        if (prefix && req.url?.startsWith(prefix)) req.url = req.url.slice(prefix.length) || '/';
        fastifyHandler(req, res);
        return;
      }
      for (const listener of hostListeners) listener.call(server, req, res);
    });
  }

  let closing = false;
  io.use(createHandshakeMiddleware(ctx, () => closing));

  io.on('connection', (socket: SwitchboardSocket) => {
    // Routing is attached before any await so no early event is dropped.
    events.attach(socket);
    metrics.connections.inc();
    const userId = socket.data.userId;
    void socket.join(userRoom(userId));

    socket.on('disconnect', (reason) => {
      metrics.connections.dec();
      void lifecycle.track(async () => {
        let lastDevice = false;
        try {
          ({ lastDevice } = await presence.removeSocket(userId, socket.id));
        } catch (err) {
          // A Redis outage must not turn a disconnect into an unhandled rejection;
          // the heartbeat sweep or the next clear() catches up.
          logger.error({ err, userId }, 'presence update on disconnect failed');
        }
        for (const hook of disconnectHooks) {
          try {
            await hook(socket, reason, { lastDevice });
          } catch (err) {
            logger.error({ err, userId }, 'disconnect hook failed');
          }
        }
      });
    });

    void lifecycle.track(async () => {
      try {
        const { firstDevice } = await presence.addSocket(userId, socket.id);
        // Hooks (in order) and the `connected` fields (each one indexed read) run side
        // by side: the payload waits for the slowest, not for their sum (issue 10).
        const [, fields] = await Promise.all([
          (async () => {
            for (const hook of connectionHooks) await hook(socket, { firstDevice });
          })(),
          Promise.all(connectedFields.map((provider) => provider(socket))),
        ]);
        const extra: Record<string, unknown> = Object.assign({ unreadNotifications: 0 }, ...fields);
        if (!socket.connected) return;
        emitter.counted('connected');
        socket.emit('connected', {
          message: `Connected to ${config.name}`,
          socketId: socket.id,
          userId,
          isLoggedIn: socket.data.isLoggedIn,
          roles: socket.data.roles,
          unreadNotifications: Number(extra.unreadNotifications ?? 0),
          timestamp: isoNow(),
          ...extra,
        });
      } catch (err) {
        logger.error({ err, userId }, 'connection setup failed');
        socket.emit('error', { code: 'INTERNAL', message: 'Connection setup failed' });
        socket.disconnect(true);
      }
    });
  });

  await lifecycle.start();
  logger.debug({ nodeId, features: features.map((f) => f.name) }, 'switchboard ready');

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const idle = await lifecycle.waitIdle(config.shutdownTimeoutMs);
      if (!idle) logger.warn({ pending: lifecycle.pending }, 'shutdown timed out with work in flight');
      // Closing the transport (not a server-side disconnect) makes stock clients
      // reconnect by themselves, to this node once it is back or to another one.
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
      io.engine.close();
      // Disconnect hooks (presence updates) run as tracked work: let them finish.
      await lifecycle.waitIdle(Math.max(0, deadline - Date.now()));
      await lifecycle.stop();
      try {
        await presence.clear();
      } catch (err) {
        // With Redis down, other nodes drop this node's sockets once its heartbeat expires.
        logger.error({ err }, 'presence cleanup failed at shutdown');
      }
      await cluster?.close();
      if (ownsStore) await store.close();
    })();
    return closed;
  };

  const core: Omit<Switchboard, keyof ProvidedApi> = {
    emitToUser(userId, event, ...args) {
      emitter.toUser(userId, event, ...args);
    },
    isUserOnline: (userId: string) => presence.isOnline(userId),
    getOnlineUsers: () => presence.onlineUsers(),
    getUserSockets: (userId: string) => presence.getUserSockets(userId),
    stats: () => statsSnapshot(ctx),
    close,
    context: ctx,
    config,
  };
  // Feature-provided methods (publish, notify, broadcast, …) join the API object.
  return Object.assign(core, provided) as Switchboard;
}
