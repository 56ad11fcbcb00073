/**
 * Installs features: runs each one's `setup(ctx)` in list order and hands its parts to
 * the core — events to the router, routes to Fastify, services to the lifecycle, API
 * methods to the programmatic API, hooks to the connection pipeline, checks to /ready.
 */
import type { FastifyInstance } from 'fastify';
import type { AdmissionCheck, ProvidedApi, ReadinessCheck, SwitchboardContext } from '../core/context.js';
import type { Feature } from '../core/feature.js';
import type { Migrations } from '../store/migrator.js';
import type { ConnectionHooks } from './connections.js';

export interface FeatureRegistry {
  hooks: ConnectionHooks;
  readiness: Map<string, ReadinessCheck>;
  api: Partial<ProvidedApi>;
  admission: AdmissionCheck[];
}

export function createFeatureRegistry(): FeatureRegistry {
  return {
    hooks: { onConnection: [], onDisconnect: [], onUserOffline: [], connectedFields: [] },
    readiness: new Map(),
    api: {},
    admission: [],
  };
}

/** Sets one feature up and registers what it returned. */
export async function installFeature(
  ctx: SwitchboardContext,
  http: FastifyInstance,
  registry: FeatureRegistry,
  feature: Feature,
): Promise<void> {
  const parts = await feature.setup(ctx);
  if (!parts) return;
  if (parts.events) ctx.events.register(parts.events);
  parts.routes?.(http);
  for (const service of parts.services ?? []) ctx.lifecycle.add(service);
  for (const [name, fn] of Object.entries(parts.api ?? {})) {
    if (name in registry.api) throw new Error(`API method "${name}" is provided twice`);
    (registry.api as Record<string, unknown>)[name] = fn;
  }
  if (parts.onConnection) registry.hooks.onConnection.push(parts.onConnection);
  if (parts.onDisconnect) registry.hooks.onDisconnect.push(parts.onDisconnect);
  if (parts.onUserOffline) registry.hooks.onUserOffline.push(parts.onUserOffline);
  if (parts.connectedFields) registry.hooks.connectedFields.push(parts.connectedFields);
  if (parts.admission) registry.admission.push(parts.admission);
  for (const [name, check] of Object.entries(parts.readiness ?? {})) registry.readiness.set(name, check);
}

/** Every migration of the core and the features, checking that no name is used twice. */
export function composeMigrations(core: Migrations, features: readonly Feature[]): Migrations {
  const all: Record<string, Migrations[string]> = { ...core };
  for (const feature of features) {
    for (const [name, migration] of Object.entries(feature.migrations ?? {})) {
      if (name in all) throw new Error(`migration "${name}" of feature "${feature.name}" is defined twice`);
      all[name] = migration;
    }
  }
  return all;
}
