/**
 * Protection against hostile clients (issue 12, docs/security.md): per-IP handshake
 * rate and per-user/per-IP connection caps at the handshake, a connect timeout for
 * Engine.IO sessions that never send CONNECT, slow consumers cut by bytes queued,
 * a maximum JSON depth on socket payloads and HTTP bodies, and a per-IP rate on
 * anonymous guest sessions. Counters are in Redis when the cluster has one.
 */
import { Counter } from 'prom-client';
import type { SwitchboardContext } from '../core/context.js';
import { defineFeature } from '../core/feature.js';
import type { Service } from '../core/lifecycle.js';
import { createAdmission } from './admission.js';
import { clientAddress } from './client-address.js';
import { boundSessionsWithoutConnect } from './connect-timeout.js';
import { type ConnectionCaps, createMemoryConnectionCaps } from './connection-caps.js';
import { limitJsonDepth, limitSessionCreation } from './http-limits.js';
import { createIpRates } from './ip-rates.js';
import { assertDepth } from './json-depth.js';
import { limitsConfig } from './limits-config.js';
import { createRedisConnectionCaps } from './redis-connection-caps.js';
import { watchSlowConsumer } from './slow-consumer.js';

function connectionCaps(ctx: SwitchboardContext): { caps: ConnectionCaps; services: Service[] } {
  const redis = ctx.cluster?.shared;
  if (!redis) return { caps: createMemoryConnectionCaps(), services: [] };
  const caps = createRedisConnectionCaps({
    client: redis.client,
    keyPrefix: redis.keyPrefix,
    nodeId: ctx.nodeId,
    logger: ctx.logger,
    heartbeatIntervalMs: ctx.config.redis.heartbeatIntervalMs,
    nodeTimeoutMs: ctx.config.redis.nodeTimeoutMs,
  });
  return { caps, services: [caps.heartbeat] };
}

function protectionMetrics(ctx: SwitchboardContext) {
  return {
    refusals: new Counter({
      name: 'switchboard_limit_refusals_total',
      help: 'Handshakes and requests refused by a protection limit, by limit',
      labelNames: ['limit'],
      registers: [ctx.metrics.registry],
    }),
    slowConsumers: new Counter({
      name: 'switchboard_slow_consumer_disconnects_total',
      help: 'Sockets cut because their unsent output passed limits.maxBufferedBytesPerSocket',
      registers: [ctx.metrics.registry],
    }),
  };
}

export const protectionFeature = defineFeature({
  name: 'protection',
  config: limitsConfig,
  setup(ctx) {
    const { limits, trustProxy } = ctx.config;
    const metrics = protectionMetrics(ctx);
    const refused = (limit: string) => metrics.refusals.inc({ limit });
    const ipRates = createIpRates(ctx);
    const { caps, services } = connectionCaps(ctx);

    boundSessionsWithoutConnect(ctx.io, {
      timeoutMs: limits.connectTimeoutMs,
      maxPending: limits.handshakeBurst,
      addressOf: (req) => clientAddress(req.socket.remoteAddress, req.headers, trustProxy),
      refused: () => refused('pendingSessionsPerIp'),
    });
    ctx.io.engine.on('connection', (conn) =>
      watchSlowConsumer(conn, { maxBytes: limits.maxBufferedBytesPerSocket, logger: ctx.logger, onCut: () => metrics.slowConsumers.inc() }),
    );
    ctx.events.addGuard((args) => assertDepth(args, limits.maxJsonDepth));

    return {
      admission: createAdmission({ limits, trustProxy, ipRates, caps, logger: ctx.logger, refused }),
      routes(http) {
        limitJsonDepth(http, limits.maxJsonDepth);
        limitSessionCreation(http, ctx, { ipRates, refused });
      },
      services,
      api: { connectionCount: (kind: 'user' | 'ip', key: string) => caps.count(kind, key) },
    };
  },
});

declare module '../core/context.js' {
  interface ProvidedApi {
    /** Open connections counted against a cap, cluster-wide: `kind` 'user' (a user id) or 'ip' (a client address). */
    connectionCount(kind: 'user' | 'ip', key: string): Promise<number>;
  }
}
