/**
 * Switchboard as a library.
 * @example
 * import { createSwitchboard } from 'switchboard';
 */

export { type SignTokenOptions, signToken } from './auth/sign-token.js';
export { ConfigError, type LoadConfigOptions, loadConfig } from './config/load.js';
export type { ChannelNamespaceConfig, SwitchboardConfig, SwitchboardConfigInput } from './config/schema.js';
export type { Feature, SwitchboardContext, SwitchboardServer, SwitchboardSocket } from './core/context.js';
export { SwitchboardError } from './core/errors.js';
export type { PresenceStore } from './presence/presence-store.js';
export * from './protocol/index.js';
export type { RateLimiter } from './rate-limit/rate-limiter.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export { createStore } from './store/create-store.js';
export type { Store } from './store/store.js';
export { BUILTIN_FEATURES, createSwitchboard, type Switchboard, type SwitchboardOptions, type SwitchboardStats } from './switchboard.js';
