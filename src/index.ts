/**
 * Switchboard as a library.
 * @example
 * import { createSwitchboard } from 'switchboard';
 */

export { type SignTokenOptions, signToken } from './auth/sign-token.js';
export type { ChannelNamespaceConfig } from './channels/channels-config.js';
export { ConfigError, type LoadConfigOptions } from './config/load.js';
export type { SwitchboardConfig, SwitchboardConfigInput } from './config/schema.js';
export type { SwitchboardContext, SwitchboardServer, SwitchboardSocket } from './core/context.js';
export { SwitchboardError } from './core/errors.js';
export { defineFeature, type Feature, type FeatureDefinition, type FeatureParts } from './core/feature.js';
export { StartupError } from './core/startup.js';
export { BUILTIN_FEATURES, configSchema, loadConfig, loadConfigFor } from './features.js';
export type { SwitchboardStats } from './monitoring/monitoring-feature.js';
export type { PresenceStore } from './presence/presence-store.js';
export * from './protocol/index.js';
export type { RateLimiter } from './rate-limit/rate-limiter.js';
export { defineEvent, type EventHandlers } from './realtime/event-router.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export { createStore } from './store/create-store.js';
export type { Store } from './store/store.js';
export { createSwitchboard, type Switchboard, type SwitchboardOptions } from './switchboard.js';
