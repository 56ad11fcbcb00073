/**
 * A feature is one folder with one `defineFeature({ … })` (STYLE.md #3, #4; in the
 * spirit of Fastify plugins and Hocuspocus extensions): its config slice, its
 * migrations, and a `setup(ctx)` that builds its parts from the core services and
 * returns them — socket events, HTTP routes, services, programmatic API, connection
 * hooks, readiness checks. The core composes the list (src/features.ts); nothing in
 * src/core, src/config or src/store imports a feature.
 *
 * Tables are declared in the feature folder by declaration merging into `Database`
 * (src/store/database.ts), config types likewise into `FeatureConfig` and
 * `FeatureConfigInput` (src/config/schema.ts), API methods into `ProvidedApi`.
 */
import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { z } from 'zod';
import type { EventHandlers } from '../realtime/event-router.js';
import type {
  AdmissionCheck,
  ConnectedFieldsProvider,
  ConnectionHook,
  DisconnectHook,
  ProvidedApi,
  ReadinessCheck,
  SwitchboardContext,
  UserOfflineHook,
} from './context.js';
import type { Service } from './lifecycle.js';

/** What a feature's `setup` hands to the core. Every part is optional. */
export interface FeatureParts {
  /** Handlers of client→server events of the event map (`defineEvent`). */
  events?: EventHandlers;
  /** Adds HTTP routes (same port as Socket.IO; `ok` bodies, errors through the shared handler). */
  routes?: (http: FastifyInstance) => void;
  /** Long-running parts: started after every feature is set up, stopped in reverse. */
  services?: Service[];
  /** Programmatic methods (`notify`, `publish`, …) for the library's API and other features. */
  api?: Partial<ProvidedApi>;
  /** Runs for every authenticated connection, after presence recorded it. */
  onConnection?: ConnectionHook;
  /** Runs after a socket left and presence forgot it. */
  onDisconnect?: DisconnectHook;
  /** Runs once cluster-wide when a user's offline grace ended with no device back. */
  onUserOffline?: UserOfflineHook;
  /** Fields merged into the `connected` payload. */
  connectedFields?: ConnectedFieldsProvider;
  /** Checks every Socket.IO handshake passes, before and after authentication. */
  admission?: AdmissionCheck;
  /** Named checks added to GET /ready (backing services of the feature's own). */
  readiness?: Record<string, ReadinessCheck>;
}

export interface FeatureDefinition {
  /** Unique name, used in logs and start-up errors. */
  readonly name: string;
  /**
   * Top-level config keys this feature owns, as zod schemas with their defaults,
   * descriptions and `meta({ env })` names. Composed into the one config schema.
   */
  readonly config?: z.ZodRawShape;
  /**
   * Kysely migrations, by name. Names sort by a numeric prefix from the feature's own
   * range (docs/architecture.md), and use only types that mean the same on SQLite and
   * PostgreSQL (text, bigint, integer).
   */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** Builds the feature from the core services; throw to stop the start-up (it names the feature). */
  setup(ctx: SwitchboardContext): FeatureParts | undefined | Promise<FeatureParts | undefined>;
}

/** A feature as the core sees it. */
export type Feature = FeatureDefinition;

/**
 * Declares a feature. An identity function that checks the shape and keeps literal types.
 * @example
 * export const helloFeature = defineFeature({
 *   name: 'hello',
 *   config: { hello: z.object({ greeting: z.string().default('hi') }).strict().prefault({}) },
 *   migrations: { '0900_hello': { up: (db) => db.schema.createTable('hello').addColumn('id', 'text').execute() } },
 *   setup: (ctx) => ({
 *     events: defineEvent('hello', { schema: z.unknown(), handler: () => ({ greeting: ctx.config.hello.greeting }) }),
 *     routes: (http) => http.get('/api/hello', async () => ({ ok: true })),
 *   }),
 * });
 */
export function defineFeature<const D extends FeatureDefinition>(definition: D): D {
  return definition;
}
