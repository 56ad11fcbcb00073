/**
 * The `limits` config slice (PROTOCOL.md "Protection") and `trustProxy`: each limit
 * with a default fit for production and the threat it answers (docs/security.md).
 */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';

const count = () => z.number().int().positive();

export const limitsConfig = {
  limits: z
    .object({
      maxConnectionsPerUser: count()
        .default(20)
        .meta({ env: 'SWITCHBOARD_LIMITS_MAX_CONNECTIONS_PER_USER' })
        .describe('Open sockets one user may hold, cluster-wide; the next handshake is refused with RATE_LIMITED'),
      maxConnectionsPerIp: count()
        .default(500)
        .meta({ env: 'SWITCHBOARD_LIMITS_MAX_CONNECTIONS_PER_IP' })
        .describe('Open sockets one client IP may hold, cluster-wide (offices and mobile carriers share addresses)'),
      handshakesPerIpPerSecond: count()
        .default(20)
        .meta({ env: 'SWITCHBOARD_LIMITS_HANDSHAKES_PER_IP_PER_SECOND' })
        .describe('Sustained Socket.IO handshakes per client IP per second, checked before any token is verified'),
      handshakeBurst: count()
        .default(60)
        .meta({ env: 'SWITCHBOARD_LIMITS_HANDSHAKE_BURST' })
        .describe('Handshakes one IP may make at once (a page reload with several tabs) before the per-second rate applies'),
      sessionsPerIpPerMinute: count()
        .default(30)
        .meta({ env: 'SWITCHBOARD_LIMITS_SESSIONS_PER_IP_PER_MINUTE' })
        .describe('Anonymous `POST /api/sessions` per client IP per minute (429 RATE_LIMITED past it; API-key callers are exempt)'),
      connectTimeoutMs: count()
        .default(10_000)
        .meta({ env: 'SWITCHBOARD_LIMITS_CONNECT_TIMEOUT_MS' })
        .describe('An Engine.IO session that has not sent its Socket.IO CONNECT within this time is closed'),
      maxBufferedBytesPerSocket: count()
        .default(4 * 1024 * 1024)
        .meta({ env: 'SWITCHBOARD_LIMITS_MAX_BUFFERED_BYTES_PER_SOCKET' })
        .describe('Unsent output one socket may queue (a client that stops reading); past it the socket is cut as a slow consumer'),
      maxJsonDepth: count()
        .default(32)
        .meta({ env: 'SWITCHBOARD_LIMITS_MAX_JSON_DEPTH' })
        .describe('Deepest nesting of objects and arrays in a socket payload or HTTP JSON body (deeper is VALIDATION_FAILED)'),
    })
    .strict()
    .prefault({}),
  trustProxy: z
    .boolean()
    .default(false)
    .meta({ env: 'SWITCHBOARD_TRUST_PROXY' })
    .describe(
      'Behind one reverse proxy: take the client IP from the last `X-Forwarded-For` entry (the one the proxy added). Leave off when clients connect directly, or they can pick their IP',
    ),
};

export type LimitsConfig = z.output<typeof limitsConfig.limits>;

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof limitsConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof limitsConfig> {}
}
