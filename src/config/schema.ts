/**
 * The one config schema (STYLE.md #7): types, defaults and descriptions come from
 * here, the environment table below maps variables onto it, and
 * docs/configuration.md is generated from both (`switchboard config reference`).
 */
import { z } from 'zod';
import { deliveryConfigSchema } from '../channels/delivery-config.js';
import { TEMPLATE_NAMES } from '../notifications/templates.js';
import { databaseConfigSchema } from '../store/store-config.js';

const rateLimitRule = z
  .object({
    points: z.number().int().positive().describe('Events allowed per window'),
    perSeconds: z.number().positive().describe('Window length in seconds'),
  })
  .strict();

export const CHANNEL_POLICIES = ['public', 'roles', 'members', 'token', 'webhook'] as const;

export const channelNamespaceSchema = z
  .object({
    policy: z.enum(CHANNEL_POLICIES).describe('Who may subscribe: public, roles, members, token or webhook'),
    roles: z.array(z.string().min(1)).optional().describe('Roles allowed (policy "roles")'),
    webhook: z.url().optional().describe('URL asked `POST { userId, channel }` (policy "webhook"); 2xx allows, 403 denies'),
    webhookTimeoutMs: z.number().int().positive().default(2000).describe('Webhook request timeout'),
    webhookCacheSeconds: z.number().int().min(0).default(30).describe('How long a webhook allow/deny is cached'),
    joinLeave: z.boolean().default(false).describe('Emit user:joined / user:left to subscribers'),
    clientPublish: z.boolean().default(false).describe('Subscribers may `publish` to the channel'),
    history: z
      .object({
        size: z.number().int().positive().describe('Publications kept per channel'),
        ttlSeconds: z.number().int().positive().optional().describe('Age after which publications are dropped'),
      })
      .strict()
      .optional()
      .describe('Keep publications for recovery with `subscribe { since }`'),
  })
  .strict()
  .superRefine((ns, ctx) => {
    if (ns.policy === 'roles' && (!ns.roles || ns.roles.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'policy "roles" needs a non-empty roles list' });
    }
    if (ns.policy === 'webhook' && !ns.webhook) {
      ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'policy "webhook" needs a webhook URL' });
    }
  });

export type ChannelNamespaceConfig = z.infer<typeof channelNamespaceSchema>;

/** Where the Kafka bridge sends a topic's records (PROTOCOL.md, "Kafka bridge"). */
export const KAFKA_ROUTES = ['notify', 'publish', 'broadcast'] as const;

const kafkaTopicSchema = z
  .object({
    route: z.enum(KAFKA_ROUTES).describe('Dispatcher the records go to: notify, publish or broadcast'),
    template: z.enum(TEMPLATE_NAMES).optional().describe('Notification template for records without one (route "notify")'),
  })
  .strict()
  .refine((t) => t.template === undefined || t.route === 'notify', { path: ['template'], message: 'template needs route "notify"' });

/** The contract's default topics (the assistant seed's Kafka integration). */
const DEFAULT_KAFKA_TOPICS = {
  'notification.send': { route: 'notify' as const },
  'document.processed': { route: 'notify' as const, template: 'document:processed' as const },
  'report.ready': { route: 'notify' as const, template: 'report:ready' as const },
};

const KAFKA_DEFAULTS = {
  clientId: 'switchboard',
  groupId: 'switchboard',
  topics: DEFAULT_KAFKA_TOPICS,
  deadLetterTopic: 'switchboard.dead-letter',
  fromBeginning: false,
  emitKafkaEvents: true,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
};

const kafkaSchema = z
  .object({
    brokers: z.array(z.string().min(1)).min(1).optional().describe('Kafka bootstrap brokers (`host:port`); unset turns the bridge off'),
    clientId: z.string().min(1).default(KAFKA_DEFAULTS.clientId).describe('Kafka client id'),
    groupId: z
      .string()
      .min(1)
      .default(KAFKA_DEFAULTS.groupId)
      .describe("Consumer group: the nodes of a deployment share the topics' partitions"),
    topics: z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'Kafka topic names use letters, digits, ., _ and -'), kafkaTopicSchema)
      .default(DEFAULT_KAFKA_TOPICS)
      .describe('Topics consumed and their routes; setting it replaces the defaults'),
    deadLetterTopic: z
      .string()
      .min(1)
      .default(KAFKA_DEFAULTS.deadLetterTopic)
      .describe('Where records that cannot be parsed or routed go, with the reason in headers'),
    fromBeginning: z
      .boolean()
      .default(KAFKA_DEFAULTS.fromBeginning)
      .describe('A new consumer group starts at the oldest record rather than the newest'),
    emitKafkaEvents: z
      .boolean()
      .default(KAFKA_DEFAULTS.emitKafkaEvents)
      .describe('Emit every consumed record as `kafka-event` on `kafka-events`'),
    sessionTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(KAFKA_DEFAULTS.sessionTimeoutMs)
      .describe('Consumer session timeout: a node silent this long loses its partitions'),
    heartbeatIntervalMs: z.number().int().positive().default(KAFKA_DEFAULTS.heartbeatIntervalMs).describe('Consumer heartbeat interval'),
    retryInitialMs: z
      .number()
      .int()
      .positive()
      .default(KAFKA_DEFAULTS.retryInitialMs)
      .describe('First back-off when a record meets a transient failure (store down); doubles up to retryMaxMs'),
    retryMaxMs: z.number().int().positive().default(KAFKA_DEFAULTS.retryMaxMs).describe('Longest back-off between retries of one record'),
  })
  .strict()
  .refine((k) => !(k.deadLetterTopic in k.topics), {
    path: ['deadLetterTopic'],
    message: 'the dead-letter topic cannot be a consumed topic',
  })
  .default(KAFKA_DEFAULTS);

/** Namespace names: what comes before the first `:` of a channel name. */
const namespaceName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'namespace names use letters, digits, _ and -');

export const configSchema = z
  .object({
    env: z.enum(['development', 'production', 'test']).default('development').describe('Run mode; from NODE_ENV'),
    port: z.number().int().min(0).max(65535).default(3000).describe('HTTP and Socket.IO port (0 picks a free one)'),
    host: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
    name: z.string().min(1).default('Switchboard').describe('Server name reported by status/info'),
    auth: z
      .object({
        jwtSecret: z.string().min(16).optional().describe('HS256 shared secret (at least 16 characters)'),
        jwtPublicKey: z.string().optional().describe('PEM public key text for RS256/ES256 tokens'),
        jwksUrl: z.url().optional().describe('JWKS URL for RS256/ES256 tokens'),
        issuer: z.string().optional().describe('Required `iss` claim'),
        audience: z.string().optional().describe('Required `aud` claim'),
        clockToleranceSeconds: z.number().int().min(0).max(300).default(5).describe('Clock skew allowed on exp/nbf'),
        expiryWarningSeconds: z.number().int().min(1).default(60).describe('Emit auth:expiring this long before a live token expires'),
        sessionTtlSeconds: z
          .number()
          .int()
          .positive()
          .default(30 * 24 * 3600)
          .describe('Lifetime of guest sessions (POST /api/sessions)'),
      })
      .strict()
      .default({ clockToleranceSeconds: 5, expiryWarningSeconds: 60, sessionTtlSeconds: 30 * 24 * 3600 }),
    apiKeys: z
      .array(z.string().min(16, 'API keys need at least 16 characters'))
      .default([])
      .describe('Server API keys (`Authorization: Bearer sk_…`)'),
    database: databaseConfigSchema,
    redis: z
      .object({
        url: z.string().optional().describe('Redis URL; unset runs a single node'),
        keyPrefix: z
          .string()
          .default('switchboard:')
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
      })
      .strict()
      .refine((r) => r.nodeTimeoutMs > r.heartbeatIntervalMs, {
        path: ['nodeTimeoutMs'],
        message: 'nodeTimeoutMs must be longer than heartbeatIntervalMs',
      })
      .default({ keyPrefix: 'switchboard:', heartbeatIntervalMs: 5000, nodeTimeoutMs: 20_000 }),
    cors: z
      .object({
        origins: z.array(z.string().min(1)).optional().describe('Allowed origins; `*` allows any (default outside production)'),
      })
      .strict()
      .default({}),
    socket: z
      .object({
        path: z.string().startsWith('/').default('/socket.io').describe('Socket.IO path'),
        serveClient: z.boolean().default(true).describe('Serve the browser client at `{path}/socket.io.js` (used by examples/chat.html)'),
        maxHttpBufferSize: z.number().int().positive().default(1_000_000).describe('Largest packet accepted, in bytes'),
        pingIntervalMs: z.number().int().positive().default(25_000).describe('Heartbeat interval'),
        pingTimeoutMs: z.number().int().positive().default(20_000).describe('Heartbeat timeout'),
        compression: z
          .object({
            enabled: z.boolean().default(false).describe('WebSocket per-message deflate'),
            threshold: z.number().int().min(0).default(1024).describe('Only compress messages larger than this'),
          })
          .strict()
          .default({ enabled: false, threshold: 1024 }),
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
      .default({
        path: '/socket.io',
        serveClient: true,
        maxHttpBufferSize: 1_000_000,
        pingIntervalMs: 25_000,
        pingTimeoutMs: 20_000,
        compression: { enabled: false, threshold: 1024 },
        transports: ['polling', 'websocket'],
        recoveryWindowMs: 0,
      }),
    channels: z.record(namespaceName, channelNamespaceSchema).default({}).describe('Channel namespaces and their policies'),
    rateLimits: z
      .record(z.string().min(1), rateLimitRule)
      .default({})
      .describe('Per-user limits: `default` for every event, overrides by event name'),
    floodDisconnectAfter: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe('Disconnect a socket after this many rate-limited events in a row'),
    presence: z
      .object({ offlineGraceMs: z.number().int().min(0).default(5000).describe('Delay before user:offline, so a reload does not flap') })
      .strict()
      .default({ offlineGraceMs: 5000 }),
    typing: z
      .object({ timeoutMs: z.number().int().positive().default(6000).describe('A typing:start without stop expires after this') })
      .strict()
      .default({ timeoutMs: 6000 }),
    notifications: z
      .object({
        maxPerUser: z.number().int().positive().default(1000).describe('Inbox cap per user; oldest are dropped'),
        maxAgeDays: z.number().int().positive().default(90).describe('Notifications older than this are dropped'),
        maxRecipients: z.number().int().positive().default(10_000).describe('Largest userIds batch for one notify'),
        schedulerIntervalMs: z.number().int().positive().default(1000).describe('How often due scheduled notifications are claimed'),
        retentionIntervalMs: z
          .number()
          .int()
          .positive()
          .default(60_000)
          .describe('How often the background sweep enforces maxPerUser and maxAgeDays'),
      })
      .strict()
      .default({ maxPerUser: 1000, maxAgeDays: 90, maxRecipients: 10_000, schedulerIntervalMs: 1000, retentionIntervalMs: 60_000 }),
    chat: z
      .object({
        maxContentLength: z.number().int().positive().default(4000).describe('Longest message content, in characters'),
        messageTypes: z.array(z.string().min(1)).default(['text', 'image', 'file', 'system']).describe('Allowed message types'),
        maxGroupMembers: z.number().int().positive().default(500).describe('Largest group conversation'),
      })
      .strict()
      .default({ maxContentLength: 4000, messageTypes: ['text', 'image', 'file', 'system'], maxGroupMembers: 500 }),
    kafka: kafkaSchema,
    delivery: deliveryConfigSchema,
    testEndpoints: z.boolean().optional().describe('Enable POST /api/test/* (default: on outside production)'),
    shutdownTimeoutMs: z.number().int().positive().default(10_000).describe('Longest graceful shutdown before exit'),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
        pretty: z.boolean().optional().describe('Pretty logs (default: when stdout is a terminal)'),
      })
      .strict()
      .default({ level: 'info' }),
    metrics: z
      .object({ requireKey: z.boolean().default(false).describe('GET /metrics needs an API key or admin token') })
      .strict()
      .default({ requireKey: false }),
  })
  .strict();

/** Config as written (file or env), before defaults. */
export type SwitchboardConfigInput = z.input<typeof configSchema>;
/** Config after validation and defaults. */
export type SwitchboardConfig = z.output<typeof configSchema>;

export type EnvKind = 'string' | 'int' | 'list' | 'bool';

export interface EnvVariable {
  name: string;
  path: string[];
  kind: EnvKind;
  description: string;
}

/** Environment variables and the config keys they set. Environment overrides the file. */
export const ENV_VARIABLES: EnvVariable[] = [
  { name: 'NODE_ENV', path: ['env'], kind: 'string', description: '`production` turns on the production checks' },
  { name: 'PORT', path: ['port'], kind: 'int', description: 'HTTP and Socket.IO port' },
  { name: 'HOST', path: ['host'], kind: 'string', description: 'Interface to listen on' },
  { name: 'SWITCHBOARD_JWT_SECRET', path: ['auth', 'jwtSecret'], kind: 'string', description: 'HS256 secret' },
  { name: 'SWITCHBOARD_JWT_PUBLIC_KEY', path: ['auth', 'jwtPublicKey'], kind: 'string', description: 'PEM public key text (RS256/ES256)' },
  { name: 'SWITCHBOARD_JWKS_URL', path: ['auth', 'jwksUrl'], kind: 'string', description: 'JWKS URL' },
  { name: 'SWITCHBOARD_JWT_ISSUER', path: ['auth', 'issuer'], kind: 'string', description: 'Required issuer' },
  { name: 'SWITCHBOARD_JWT_AUDIENCE', path: ['auth', 'audience'], kind: 'string', description: 'Required audience' },
  { name: 'SWITCHBOARD_API_KEYS', path: ['apiKeys'], kind: 'list', description: 'Comma-separated server API keys' },
  { name: 'SWITCHBOARD_DATABASE_URL', path: ['database', 'url'], kind: 'string', description: 'Store URL (sqlite: or postgres://)' },
  { name: 'SWITCHBOARD_REDIS_URL', path: ['redis', 'url'], kind: 'string', description: 'Redis URL for several nodes' },
  { name: 'SWITCHBOARD_REDIS_KEY_PREFIX', path: ['redis', 'keyPrefix'], kind: 'string', description: "Prefix of Switchboard's Redis keys" },
  {
    name: 'SWITCHBOARD_KAFKA_BROKERS',
    path: ['kafka', 'brokers'],
    kind: 'list',
    description: 'Comma-separated Kafka brokers; unset turns the bridge off',
  },
  { name: 'SWITCHBOARD_CORS_ORIGINS', path: ['cors', 'origins'], kind: 'list', description: 'Comma-separated allowed origins' },
  { name: 'SWITCHBOARD_MAX_PAYLOAD_BYTES', path: ['socket', 'maxHttpBufferSize'], kind: 'int', description: 'Largest Socket.IO packet' },
  { name: 'SWITCHBOARD_TEST_ENDPOINTS', path: ['testEndpoints'], kind: 'bool', description: 'Enable POST /api/test/*' },
  { name: 'SWITCHBOARD_SHUTDOWN_TIMEOUT_MS', path: ['shutdownTimeoutMs'], kind: 'int', description: 'Graceful shutdown bound' },
  { name: 'SWITCHBOARD_LOG_LEVEL', path: ['log', 'level'], kind: 'string', description: 'Log level' },
];

/** Read by the loader itself rather than mapped to a key. */
export const CONFIG_FILE_VARIABLE = 'SWITCHBOARD_CONFIG';
