/**
 * The embeddable core (STYLE.md #2): attaches Socket.IO and the HTTP API to any
 * `http.Server` (plain Node or Express) and returns the programmatic API. The
 * standalone server (server.ts) and the CLI are thin shells around this.
 *
 * `createSwitchboard` is the table of contents of start-up: each line is a named step
 * (src/core/startup.ts); when one fails, the steps before it are undone in reverse and
 * the error names the step and its config key. `close()` undoes them all.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { hostname } from 'node:os';
import type { InjectOptions, LightMyRequestResponse as InjectResponse } from 'fastify';
import { attachConnectionPipeline } from './assembly/connections.js';
import { createFeatureRegistry, installFeature } from './assembly/features.js';
import { captureHostListeners, mountHttpApi, restoreHostListeners } from './assembly/http-mount.js';
import { createClose } from './assembly/shutdown.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createHandshakeMiddleware } from './auth/handshake.js';
import { createJwtVerifier } from './auth/jwt-verifier.js';
import { SessionsRepo } from './auth/sessions/sessions-repo.js';
import { ChannelPolicy } from './channels/channel-policy.js';
import { startRedisCluster } from './cluster/redis-cluster.js';
import type { SwitchboardConfig, SwitchboardConfigInput } from './config/schema.js';
import type { ProvidedApi, SwitchboardContext } from './core/context.js';
import type { Feature } from './core/feature.js';
import { Lifecycle } from './core/lifecycle.js';
import { createLogger, type Logger } from './core/logger.js';
import { Startup } from './core/startup.js';
import { BUILTIN_FEATURES, loadConfigFor, migrationsFor } from './features.js';
import { createHttpApp } from './http/app.js';
import { createMetrics } from './monitoring/metrics.js';
import { createMemoryDeadlines } from './presence/deadlines.js';
import { createDepartureService } from './presence/departures.js';
import { createMemoryPresence } from './presence/memory-presence.js';
import type { PresenceStore } from './presence/presence-store.js';
import type { ServerToClientEvents } from './protocol/events.js';
import { createMemoryRateLimiter, type RateLimiter } from './rate-limit/rate-limiter.js';
import { Emitter } from './realtime/emitter.js';
import { EventRouter } from './realtime/event-router.js';
import { createSocketServer } from './realtime/socket-server.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';

export { BUILTIN_FEATURES };

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

/** The programmatic API returned by `createSwitchboard`. */
export interface Switchboard extends ProvidedApi {
  /** Emits an event to every device of a user (on any node). */
  emitToUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  isUserOnline(userId: string): Promise<boolean>;
  getOnlineUsers(): Promise<string[]>;
  getUserSockets(userId: string): Promise<string[]>;
  /**
   * Answers an HTTP request in-process, without a socket (Fastify's `inject`): tests,
   * and hosts that call the HTTP API from the same process.
   * @example const res = await sb.inject({ method: 'GET', url: '/ready' }); res.statusCode
   */
  inject(request: InjectOptions): Promise<InjectResponse>;
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

function resolveConfig(config: SwitchboardOptions['config'], features: readonly Feature[]): Readonly<SwitchboardConfig> {
  if (config && Object.isFrozen(config)) return config as Readonly<SwitchboardConfig>;
  return loadConfigFor(features, { env: {}, overrides: (config ?? {}) as SwitchboardConfigInput });
}

/** The auth key a start-up failure of the JWT verifier points at. */
function authKeyOf(config: Readonly<SwitchboardConfig>): string {
  if (config.auth.jwtPublicKey) return 'auth.jwtPublicKey';
  if (config.auth.jwksUrl) return 'auth.jwksUrl';
  return 'auth.jwtSecret';
}

function apiPrefix(httpApi: SwitchboardOptions['httpApi']): string | undefined {
  return httpApi === false ? undefined : (httpApi?.prefix ?? '').replace(/\/$/, '');
}

/**
 * Creates a Switchboard on an existing HTTP server.
 * @example
 * const server = http.createServer(expressApp);
 * const sb = await createSwitchboard({ server, config: { auth: { jwtSecret } } });
 * server.listen(3000);
 * sb.emitToUser('42', 'broadcast', { title: 'Hi', message: 'there', from: 'app', timestamp: new Date().toISOString() });
 */
export async function createSwitchboard(
  options: SwitchboardOptions,
  features: readonly Feature[] = BUILTIN_FEATURES,
): Promise<Switchboard> {
  const config = resolveConfig(options.config, features);
  const logger = options.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty });
  const startup = new Startup(logger);
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const server = options.server;

  const store = await startup.step('store', { configKey: 'database.url' }, () => openStore(options, config), closeStore(options));
  await startup.step('migrations', { configKey: 'database.url' }, () => store.migrate(migrationsFor(features)));
  const metrics = createMetrics();
  // In a cluster every series says which node it comes from: scrape each node, add up in Prometheus.
  if (config.redis.url) metrics.registry.setDefaultLabels({ node: nodeId });
  const cluster = await startup.step(
    'redis',
    { configKey: 'redis.url' },
    () => (config.redis.url ? startRedisCluster({ config, logger, metrics, nodeId }) : undefined),
    (started) => started?.close(),
  );
  const auth = await startup.step('auth', { configKey: authKeyOf(config) }, () => {
    const jwt = createJwtVerifier(config.auth);
    if (!jwt.configured) logger.warn('no JWT key configured: only guest session tokens will be accepted');
    return createAuthenticator(jwt, new SessionsRepo(store));
  });

  const lifecycle = new Lifecycle(logger);
  const presence = options.presence ?? cluster?.presence ?? createMemoryPresence({ offlineGraceMs: config.presence.offlineGraceMs });
  await startup.step('presence', {}, () => presence, clearPresence(logger));
  if (cluster && presence === cluster.presence) lifecycle.add(cluster.presence.heartbeat);
  const registry = createFeatureRegistry();
  const departures = createDepartureService({
    presence,
    logger,
    graceMs: config.presence.offlineGraceMs,
    intervalMs: config.presence.sweepIntervalMs,
    onDeparture: async ({ userId, lastSeen }) => {
      for (const hook of registry.hooks.onUserOffline) await hook(userId, lastSeen);
    },
  });
  lifecycle.add(departures);
  const rateLimiter = options.rateLimiter ?? cluster?.rateLimiter ?? createMemoryRateLimiter(config.rateLimits);
  const events = new EventRouter({ rateLimiter, metrics, lifecycle, logger, floodDisconnectAfter: config.floodDisconnectAfter });

  // Set by close(): new handshakes are refused, and the mount answers 503 afterwards.
  let closing = false;
  const host = captureHostListeners(server);
  const http = await startup.step('http api', {}, () =>
    createHttpApp({ server, logger, metrics, corsOrigins: config.cors.origins, trustProxy: config.trustProxy }),
  );
  const io = await startup.step(
    'socket.io',
    { configKey: 'socket' },
    () => createSocketServer(server, config, { logger, metrics }),
    (created) => {
      created.engine.close();
      restoreHostListeners(server, host, closing ? { socketPath: config.socket.path, prefix: apiPrefix(options.httpApi) } : undefined);
    },
  );
  cluster?.attach(io);

  const ctx: SwitchboardContext = {
    config,
    logger,
    store,
    io,
    metrics,
    presence,
    deadlines: cluster?.deadlines ?? createMemoryDeadlines(),
    rateLimiter,
    auth,
    channels: new ChannelPolicy(),
    events,
    emitter: new Emitter(io, metrics),
    lifecycle,
    cluster,
    nodeId,
    startedAt: Date.now(),
    readinessChecks: registry.readiness,
    use(name) {
      const fn = registry.api[name];
      if (!fn) throw new Error(`no feature provides "${String(name)}"`);
      return fn as ProvidedApi[typeof name];
    },
  };

  for (const feature of features) {
    await startup.step(`feature ${feature.name}`, {}, () => installFeature(ctx, http.app, registry, feature));
  }
  await startup.step('http routes', {}, () => http.app.ready());
  mountHttpApi({ server, socketPath: config.socket.path, prefix: apiPrefix(options.httpApi) }, host, http.handler());

  io.use(createHandshakeMiddleware(ctx, () => closing, registry.admission));
  attachConnectionPipeline(ctx, registry.hooks, departures);
  await startup.step(
    'services',
    {},
    () => lifecycle.start(),
    () => lifecycle.stop(),
  );
  logger.debug({ nodeId, features: features.map((f) => f.name) }, 'switchboard ready');

  const core: Omit<Switchboard, keyof ProvidedApi> = {
    emitToUser: (userId, event, ...args) => ctx.emitter.toUser(userId, event, ...args),
    isUserOnline: (userId: string) => presence.isOnline(userId),
    getOnlineUsers: () => presence.onlineUsers(),
    getUserSockets: (userId: string) => presence.getUserSockets(userId),
    inject: (request) => http.app.inject(request),
    close: createClose({ ctx, startup, markClosing: () => (closing = true) }),
    context: ctx,
    config,
  };
  // Feature-provided methods (publish, notify, broadcast, …) join the API object.
  return Object.assign(core, registry.api) as Switchboard;
}

/** The host's store, or one opened from `database.url` and checked to answer. */
async function openStore(options: SwitchboardOptions, config: Readonly<SwitchboardConfig>): Promise<Store> {
  if (options.store) return options.store;
  const store = createStore(config.database.url, { poolSize: config.database.poolSize });
  try {
    await store.ping();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

/** Undo of the store step: close the store only if Switchboard opened it. */
function closeStore(options: SwitchboardOptions) {
  return (store: Store) => (options.store ? undefined : store.close());
}

/** Undo of the presence step: forget this node's sockets (other nodes drop them by heartbeat if Redis is down). */
function clearPresence(logger: Logger) {
  return async (presence: PresenceStore) => {
    try {
      await presence.clear();
    } catch (err) {
      logger.error({ err }, 'presence cleanup failed at shutdown');
    }
  };
}
