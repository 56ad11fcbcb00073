/**
 * The one config schema (STYLE.md #7). Each key's type, default (`.default()` /
 * `.prefault({})`), description (`.describe()`) and environment variable
 * (`.meta({ env })`) is written once, here for the core and in each feature folder
 * for that feature's slice (`defineFeature({ config })`); `composeConfigSchema`
 * joins them. docs/configuration.md is generated from the composed schema.
 *
 * This module imports no feature: features add their slice's types to
 * `FeatureConfig` / `FeatureConfigInput` by declaration merging.
 */
import { z } from 'zod';
import { databaseConfigSchema } from '../store/store-config.js';

/**
 * Field metadata beyond the description: the environment variable that sets the key,
 * and for enums, the value an environment value outside the enum falls back to.
 */
export interface ConfigFieldMeta {
  env?: string;
  envFallback?: string;
  /** The default when it depends on other keys (shown in the reference). */
  defaultNote?: string;
}

/** A rate-limit rule: `points` events per `perSeconds` window, per user. */
export const rateLimitRule = z
  .object({
    points: z.number().int().positive().describe('Events allowed per window'),
    perSeconds: z.number().positive().describe('Window length in seconds'),
  })
  .strict();
export type RateLimitRule = z.output<typeof rateLimitRule>;

/** The `default` rule: 10 events/s per user (PROTOCOL.md's example). */
export const DEFAULT_RATE_LIMIT: RateLimitRule = { points: 10, perSeconds: 1 };

/**
 * Cheap, bursty events get budgets of their own, so a client that subscribes to its
 * channels and sends receipts right after connecting is not refused by the default
 * 10/s (it was: 7 of 11 subscribes at start-up). Each is a bucket of its own.
 */
const DEFAULT_EVENT_LIMITS = {
  subscribe: { points: 100, perSeconds: 10 },
  unsubscribe: { points: 100, perSeconds: 10 },
  'typing:*': { points: 30, perSeconds: 10 },
  'message:delivered': { points: 200, perSeconds: 10 },
  'message:read': { points: 100, perSeconds: 10 },
  'notification:read': { points: 100, perSeconds: 10 },
} satisfies Record<string, RateLimitRule>;

function rateLimitsSchema() {
  const presets = Object.fromEntries(
    Object.entries(DEFAULT_EVENT_LIMITS).map(([event, rule]) => [event, rateLimitRule.default(rule).describe(`Budget of \`${event}\``)]),
  ) as { [E in keyof typeof DEFAULT_EVENT_LIMITS]: z.ZodDefault<typeof rateLimitRule> };
  return z
    .object({
      default: rateLimitRule.default(DEFAULT_RATE_LIMIT).describe('The rule of every event without a rule of its own'),
      ...presets,
    })
    .catchall(rateLimitRule)
    .prefault({})
    .describe('Per-user limits: `default` for every event, a rule per event name (`typing:*` covers typing:start and typing:stop)');
}

const authSchema = z
  .object({
    jwtSecret: z
      .string()
      .min(16)
      .optional()
      .meta({ env: 'SWITCHBOARD_JWT_SECRET' })
      .describe('HS256 shared secret (at least 16 characters)'),
    jwtPublicKey: z
      .string()
      .optional()
      .meta({ env: 'SWITCHBOARD_JWT_PUBLIC_KEY' })
      .describe('PEM public key text for RS256/ES256 tokens (the PEM itself, not a path)'),
    jwksUrl: z.url().optional().meta({ env: 'SWITCHBOARD_JWKS_URL' }).describe('JWKS URL for RS256/ES256 tokens'),
    issuer: z.string().optional().meta({ env: 'SWITCHBOARD_JWT_ISSUER' }).describe('Required `iss` claim'),
    audience: z.string().optional().meta({ env: 'SWITCHBOARD_JWT_AUDIENCE' }).describe('Required `aud` claim'),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(5).describe('Clock skew allowed on exp/nbf'),
    expiryWarningSeconds: z.number().int().min(1).default(60).describe('Emit auth:expiring this long before a live token expires'),
    sessionTtlSeconds: z
      .number()
      .int()
      .positive()
      .default(30 * 24 * 3600)
      .describe('Lifetime of guest sessions (POST /api/sessions)'),
    sessionPurgeIntervalMs: z
      .number()
      .int()
      .positive()
      .default(3_600_000)
      .describe('How often expired guest sessions are purged from the store'),
    sessionPurgeAfterSeconds: z
      .number()
      .int()
      .min(0)
      .default(7 * 24 * 3600)
      .describe('How long an expired session is kept (so its token still answers AUTH_EXPIRED) before it is purged'),
  })
  .strict()
  .prefault({});

const redisSchema = z
  .object({
    url: z.string().optional().meta({ env: 'SWITCHBOARD_REDIS_URL' }).describe('Redis URL; unset runs a single node'),
    keyPrefix: z
      .string()
      .default('switchboard:')
      .meta({ env: 'SWITCHBOARD_REDIS_KEY_PREFIX' })
      .describe('Prefix of every Redis key and pub/sub channel (several deployments can share a Redis)'),
    heartbeatIntervalMs: z
      .number()
      .int()
      .positive()
      .default(5000)
      .describe('How often a node refreshes its heartbeat key and sweeps dead nodes'),
    nodeTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe('A node whose heartbeat is older than this is dead: its sockets leave presence'),
    adapter: z
      .enum(['pubsub', 'streams'])
      .default('pubsub')
      .meta({ env: 'SWITCHBOARD_REDIS_ADAPTER' })
      .describe(
        'Socket.IO adapter between nodes: `pubsub` (@socket.io/redis-adapter) or `streams` (@socket.io/redis-streams-adapter: survives short Redis drops, and lets connection-state recovery resume a session on any node)',
      ),
    streamMaxLength: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('With `adapter: streams`: entries kept in the Redis stream, i.e. how many emits back a session can be recovered'),
  })
  .strict()
  .refine((r) => r.nodeTimeoutMs > r.heartbeatIntervalMs, {
    path: ['nodeTimeoutMs'],
    message: 'nodeTimeoutMs must be longer than heartbeatIntervalMs',
  })
  .prefault({});

const socketSchema = z
  .object({
    path: z.string().startsWith('/').default('/socket.io').describe('Socket.IO path'),
    serveClient: z
      .boolean()
      .default(true)
      .describe('Serve the socket.io browser client at `{path}/socket.io.js` (for pages that load it from the server)'),
    maxHttpBufferSize: z
      .number()
      .int()
      .positive()
      .default(1_000_000)
      .meta({ env: 'SWITCHBOARD_MAX_PAYLOAD_BYTES' })
      .describe('Largest packet accepted, in bytes'),
    pingIntervalMs: z.number().int().positive().default(25_000).describe('Heartbeat interval'),
    pingTimeoutMs: z.number().int().positive().default(20_000).describe('Heartbeat timeout'),
    compression: z
      .object({
        enabled: z.boolean().default(false).describe('WebSocket per-message deflate'),
        threshold: z.number().int().min(0).default(1024).describe('Only compress messages larger than this'),
      })
      .strict()
      .prefault({}),
    transports: z
      .array(z.enum(['polling', 'websocket']))
      .min(1)
      .default(['polling', 'websocket'])
      .describe('Allowed transports'),
    recoveryWindowMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Socket.IO connection-state recovery window; 0 (default) turns it off: it appends an offset argument to every event, which python-socketio passes to handlers. Channels recover with `subscribe { since }` either way',
      ),
  })
  .strict()
  .prefault({});

/** Keys of the core: server, auth, store, scale-out, transport, limits, logs. */
export const coreConfigShape = {
  env: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .meta({ env: 'NODE_ENV', envFallback: 'development' })
    .describe('Run mode; `production` turns on the production checks (other NODE_ENV values mean development)'),
  port: z.number().int().min(0).max(65535).default(3000).meta({ env: 'PORT' }).describe('HTTP and Socket.IO port (0 picks a free one)'),
  host: z.string().min(1).default('0.0.0.0').meta({ env: 'HOST' }).describe('Interface to listen on'),
  name: z.string().min(1).default('Switchboard').describe('Server name reported by status/info'),
  auth: authSchema,
  apiKeys: z
    .array(z.string().min(16, 'API keys need at least 16 characters'))
    .default([])
    .meta({ env: 'SWITCHBOARD_API_KEYS' })
    .describe('Server API keys (`Authorization: Bearer sk_…`)'),
  database: databaseConfigSchema,
  redis: redisSchema,
  cors: z
    .object({
      origins: z
        .array(z.string().min(1))
        .optional()
        .meta({ env: 'SWITCHBOARD_CORS_ORIGINS', defaultNote: '`["*"]` outside production; required in production' })
        .describe('Allowed browser origins (HTTP API and Socket.IO); `*` allows any'),
    })
    .strict()
    .prefault({}),
  socket: socketSchema,
  rateLimits: rateLimitsSchema(),
  floodDisconnectAfter: z
    .number()
    .int()
    .positive()
    .default(20)
    .describe('Disconnect a socket after this many rate-limited events in a row'),
  presence: z
    .object({
      offlineGraceMs: z.number().int().min(0).default(5000).describe('Delay before user:offline, so a reload does not flap'),
      sweepIntervalMs: z
        .number()
        .int()
        .positive()
        .default(1000)
        .describe('How often each node claims ended offline graces and expired typing indicators, also those of nodes that died'),
    })
    .strict()
    .prefault({}),
  shutdownTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .meta({ env: 'SWITCHBOARD_SHUTDOWN_TIMEOUT_MS' })
    .describe('Longest graceful shutdown before exit'),
  log: z
    .object({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .meta({ env: 'SWITCHBOARD_LOG_LEVEL' })
        .describe('Log level'),
      pretty: z.boolean().optional().meta({ defaultNote: 'when stdout is a terminal' }).describe('Pretty logs'),
      handshakes: z
        .enum(['info', 'debug', 'off'])
        .default('debug')
        .meta({ env: 'SWITCHBOARD_LOG_HANDSHAKES' })
        .describe(
          'Level of the audit line of each Socket.IO handshake, accepted or refused (`info` keeps an audit trail; the default keeps a reconnect storm out of the info log; refusals are counted in metrics either way)',
        ),
    })
    .strict()
    .prefault({}),
};

const coreSchema = z.object(coreConfigShape);
export type CoreConfig = z.output<typeof coreSchema>;
export type CoreConfigInput = z.input<typeof coreSchema>;

/** The validated type of a feature's config slice (`FeatureDefinition.config`). */
export type SliceOutput<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;
/** The as-written type of a feature's config slice. */
export type SliceInput<S extends z.ZodRawShape> = z.input<z.ZodObject<S>>;

/**
 * Config types of feature slices, added by each feature by declaration merging:
 * `interface FeatureConfig extends SliceOutput<typeof myConfig> {}`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface FeatureConfig {}
/** Config-file types of feature slices (before defaults), by declaration merging. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface FeatureConfigInput {}

/** Config after validation and defaults. */
export type SwitchboardConfig = CoreConfig & FeatureConfig;
/** Config as written (file or env), before defaults. */
export type SwitchboardConfigInput = CoreConfigInput & FeatureConfigInput;

/** Checks that only make sense on the whole config. */
function crossChecks(config: CoreConfig, ctx: z.RefinementCtx): void {
  const { auth } = config;
  if (auth.jwtPublicKey && auth.jwksUrl) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'set jwtPublicKey or jwksUrl, not both' });
  if (config.env !== 'production') return;
  if (!auth.jwtSecret && !auth.jwtPublicKey && !auth.jwksUrl) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'jwtSecret'],
      message: 'production needs a real secret, public key or JWKS URL (SWITCHBOARD_JWT_SECRET, …)',
    });
  }
  const origins = config.cors.origins;
  if (!origins || origins.length === 0 || origins.includes('*')) {
    ctx.addIssue({
      code: 'custom',
      path: ['cors', 'origins'],
      message: 'production needs explicit origins (SWITCHBOARD_CORS_ORIGINS), not *',
    });
  }
}

/** Defaults that depend on the run mode (each named in its key's `defaultNote`). */
function modeDefaults<C extends CoreConfig>(config: C): C {
  if (!config.cors.origins && config.env !== 'production') config.cors.origins = ['*'];
  return config;
}

/**
 * The whole schema: the core keys and every feature's slice, strict (an unknown key
 * is an error that names it), with the cross-key checks and mode defaults.
 */
export function composeConfigSchema(slices: ReadonlyArray<z.ZodRawShape | undefined>) {
  const shape: Record<string, z.ZodType> = { ...coreConfigShape };
  for (const slice of slices) {
    for (const [key, schema] of Object.entries(slice ?? {})) {
      if (key in shape) throw new Error(`config key "${key}" is defined twice`);
      shape[key] = schema as z.ZodType;
    }
  }
  return z
    .object(shape)
    .strict()
    .superRefine((config, ctx) => crossChecks(config as CoreConfig, ctx))
    .transform((config) => modeDefaults(config as CoreConfig) as SwitchboardConfig);
}

export type ConfigSchema = ReturnType<typeof composeConfigSchema>;

/** Read by the loader itself rather than mapped to a key. */
export const CONFIG_FILE_VARIABLE = 'SWITCHBOARD_CONFIG';
