/**
 * Scale-out on Redis (docs/scaling.md): the Redis clients, the cluster-wide
 * presence store and rate limiter, and Socket.IO's official Redis adapter, which
 * carries room emits, broadcasts and fetchSockets()/disconnectSockets() between
 * nodes (STYLE.md #5: no home-made pub/sub).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Counter } from 'prom-client';
import type { SwitchboardConfig } from '../config/schema.js';
import type { ClusterStatus } from '../core/context.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';
import type { DeadlineQueues } from '../presence/deadlines.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { SwitchboardServer } from '../realtime/socket-types.js';
import { createRedisClients, type RedisClients, redactRedisUrl } from './redis-connection.js';
import { createRedisDeadlines } from './redis-deadlines.js';
import { createRedisPresence, type RedisPresence } from './redis-presence.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';

export interface RedisCluster extends ClusterStatus {
  readonly clients: RedisClients;
  readonly presence: RedisPresence;
  readonly rateLimiter: RateLimiter;
  readonly deadlines: DeadlineQueues;
  /** Installs the Redis adapter on the Socket.IO server. */
  attach(io: SwitchboardServer): void;
  /** Closes the Redis clients (after presence.clear()). */
  close(): Promise<void>;
}

export interface RedisClusterOptions {
  config: Readonly<SwitchboardConfig>;
  logger: Logger;
  metrics: Metrics;
  nodeId: string;
}

/**
 * Connects to `config.redis.url` and builds the Redis-backed parts. Start-up fails
 * (rejects with "Redis unreachable at …") when Redis cannot be reached: a node that
 * cannot see the others must not serve as if it were alone. After start-up, an
 * outage makes /ready answer 503 while the clients reconnect by themselves.
 */
export async function startRedisCluster({ config, logger, metrics, nodeId }: RedisClusterOptions): Promise<RedisCluster> {
  const url = config.redis.url;
  if (!url) throw new Error('redis.url is not set');
  const { keyPrefix } = config.redis;
  const lost = new Counter({
    name: 'switchboard_cluster_lost_calls_total',
    help: 'Fire-and-forget Redis calls of the adapter that failed (emits to other nodes lost during an outage), by operation',
    labelNames: ['operation'],
    registers: [metrics.registry],
  });
  const clients = createRedisClients(url, logger, { onLost: (operation) => lost.inc({ operation }) });
  await clients.connect();

  if (config.socket.recoveryWindowMs > 0 && config.redis.adapter === 'pubsub') {
    // The pub/sub adapter keeps no packets, so there is nothing to recover a session
    // from; the streams adapter (`redis.adapter: streams`) keeps them in a Redis stream.
    logger.warn(
      { recoveryWindowMs: config.socket.recoveryWindowMs },
      'socket.recoveryWindowMs is set but the pub/sub Redis adapter does not support connection-state recovery: set redis.adapter to "streams"',
    );
  }
  logger.info({ redis: redactRedisUrl(url), keyPrefix, nodeId, adapter: config.redis.adapter }, 'clustered on Redis');
  let attached: SwitchboardServer | undefined;

  return {
    clients,
    presence: createRedisPresence({
      client: clients.command,
      keyPrefix,
      nodeId,
      logger,
      heartbeatIntervalMs: config.redis.heartbeatIntervalMs,
      nodeTimeoutMs: config.redis.nodeTimeoutMs,
      offlineGraceMs: config.presence.offlineGraceMs,
    }),
    deadlines: createRedisDeadlines(clients.command, keyPrefix),
    rateLimiter: createRedisRateLimiter({ client: clients.command, keyPrefix, rules: config.rateLimits }),
    attach(io) {
      attached = io;
      const channel = `${keyPrefix}socket.io`;
      io.adapter(
        config.redis.adapter === 'streams'
          ? createStreamsAdapter(clients.streamsClient(), {
              streamName: channel,
              channelPrefix: channel,
              sessionKeyPrefix: `${channel}:session:`,
              maxLen: config.redis.streamMaxLength,
            })
          : createAdapter(clients.pub, clients.sub, { key: channel }),
      );
    },
    shared: { client: clients.command, keyPrefix },
    ping: () => clients.ping(),
    onReconnect(listener) {
      // 'ready' follows every (re)connect; the first one happened in connect() above.
      clients.sub.on('ready', listener);
    },
    async close() {
      // The adapter first (it stops reading the stream, unsubscribes), then the clients.
      attached?.of('/').adapter.close();
      await clients.close();
    },
  };
}
