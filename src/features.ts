/**
 * The one list of built-in features, and what is composed from it: the config schema
 * (core keys plus every feature's slice), the config loader bound to it, and the
 * migrations. A new feature is a folder and one line here (docs/architecture.md).
 */

import { composeMigrations } from './assembly/features.js';
import { authFeature } from './auth/auth-feature.js';
import { sessionsMigrations } from './auth/sessions/sessions-migrations.js';
import { broadcastFeature } from './broadcast/broadcast-feature.js';
import { channelsFeature } from './channels/channels-feature.js';
import { chatFeature } from './chat/chat-feature.js';
import { commandsFeature } from './commands/commands-feature.js';
import { type LoadConfigOptions, loadConfigWith } from './config/load.js';
import { type ConfigSchema, composeConfigSchema, type SwitchboardConfig } from './config/schema.js';
import type { Feature } from './core/feature.js';
import { dashboardFeature } from './dashboard/dashboard-feature.js';
import { idempotencyFeature } from './idempotency/idempotency-feature.js';
import { kafkaFeature } from './kafka/kafka-feature.js';
import { monitoringFeature } from './monitoring/monitoring-feature.js';
import { notificationsFeature } from './notifications/notifications-feature.js';
import { protectionFeature } from './protection/protection-feature.js';
import type { Migrations } from './store/migrator.js';
import { webhooksFeature } from './webhooks/webhooks-feature.js';

/** Built-in features, set up in this order (protection first: its JSON parser and hooks cover every route). */
export const BUILTIN_FEATURES: readonly Feature[] = [
  protectionFeature,
  authFeature,
  // Before the features whose routes opt in to its Idempotency-Key hook.
  idempotencyFeature,
  commandsFeature,
  monitoringFeature,
  dashboardFeature,
  broadcastFeature,
  channelsFeature,
  notificationsFeature,
  chatFeature,
  kafkaFeature,
  webhooksFeature,
];

/** The config schema of the built-in features. */
export const configSchema: ConfigSchema = composeConfigSchema(BUILTIN_FEATURES.map((feature) => feature.config));

const schemas = new WeakMap<readonly Feature[], ConfigSchema>([[BUILTIN_FEATURES, configSchema]]);

/** The config schema of a feature list (the built-in one, or a host's own list). */
export function configSchemaFor(features: readonly Feature[]): ConfigSchema {
  let schema = schemas.get(features);
  if (!schema) {
    schema = composeConfigSchema(features.map((feature) => feature.config));
    schemas.set(features, schema);
  }
  return schema;
}

/**
 * Loads and validates config for the built-in features: file (SWITCHBOARD_CONFIG), then
 * environment, then `overrides`; throws ConfigError listing every problem with its key.
 * @example const config = loadConfig({ env: process.env });
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<SwitchboardConfig> {
  return loadConfigWith(configSchema, options);
}

/** Like `loadConfig`, for a feature list of the host's own. */
export function loadConfigFor(features: readonly Feature[], options: LoadConfigOptions = {}): Readonly<SwitchboardConfig> {
  return loadConfigWith(configSchemaFor(features), options);
}

/** Every migration of the core and of `features` (the store's full schema). */
export function migrationsFor(features: readonly Feature[] = BUILTIN_FEATURES): Migrations {
  return composeMigrations(sessionsMigrations, features);
}
