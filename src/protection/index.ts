/** Protection against hostile clients: limits, caps and guards (docs/security.md). */

export { clientAddress } from './client-address.js';
export { type CapClaim, type ConnectionCaps, createMemoryConnectionCaps } from './connection-caps.js';
export { deeperThan } from './json-depth.js';
export type { LimitsConfig } from './limits-config.js';
export { protectionFeature } from './protection-feature.js';
export { createRedisConnectionCaps } from './redis-connection-caps.js';
