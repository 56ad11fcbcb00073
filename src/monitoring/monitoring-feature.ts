/**
 * Health, readiness, metrics and the status/stats routes of the seeds.
 */

import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { orUnavailable } from '../core/errors.js';
import { defineFeature } from '../core/feature.js';
import { SERVER_AUTH, USER_AUTH, USER_OR_SERVER_AUTH } from '../http/api-docs.js';
import { requireServer, requireUser, requireUserOrServer } from '../http/guards.js';
import { isInternalRoom, userRoom } from '../realtime/rooms.js';
import { parseOrFail } from '../realtime/validation.js';
import { monitoringConfig } from './monitoring-config.js';

/** What `stats()` and GET /api/stats answer. */
export interface SwitchboardStats {
  connections: number;
  users: number;
  rooms: { count: number; list: Array<{ room: string; members: number }> };
  /** Nodes sharing the adapter (1 on a single node). */
  nodes: number;
  eventsPerSecond: number;
  errorsByCode: Record<string, number>;
  uptimeSeconds: number;
  nodeId: string;
  memory: { rssBytes: number };
}

declare module '../core/context.js' {
  interface ProvidedApi {
    /** Connections, users, rooms and nodes cluster-wide; events/s, errors, uptime of this node. */
    stats(): Promise<SwitchboardStats>;
  }
}

/** This node's rooms and their member counts, without each socket's private id room or internal rooms. */
function localRoomCounts(ctx: SwitchboardContext): Record<string, number> {
  const adapter = ctx.io.of('/').adapter;
  const counts: Record<string, number> = {};
  for (const [room, members] of adapter.rooms) {
    if (!adapter.sids.has(room) && !isInternalRoom(room)) counts[room] = members.size;
  }
  return counts;
}

/**
 * Rooms with member counts, cluster-wide: every node answers the counts of its own
 * rooms (`rooms:count` through the adapter, `serverSideEmitWithAck`) and they are
 * added up (the adapter waits `requestsTimeout`, 5 s, for every node). No node sends its sockets, so the cost grows with the number of rooms
 * and nodes, not of connections. A node that does not answer in time makes the call
 * UNAVAILABLE rather than a silently short list.
 */
export async function roomCounts(ctx: SwitchboardContext): Promise<Array<{ room: string; members: number }>> {
  const counts = new Map(Object.entries(localRoomCounts(ctx)));
  if (ctx.cluster) {
    const answers = await orUnavailable('The cluster adapter (Redis)', () => ctx.io.serverSideEmitWithAck('rooms:count'));
    for (const answer of answers as Array<Record<string, number>>) {
      for (const [room, members] of Object.entries(answer)) counts.set(room, (counts.get(room) ?? 0) + members);
    }
  }
  return [...counts].map(([room, members]) => ({ room, members })).sort((a, b) => b.members - a.members || a.room.localeCompare(b.room));
}

async function check(probe: () => Promise<void> | void): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * Connections, users, rooms and `nodes` are cluster-wide (presence store, adapter);
 * events/s, errors by code, uptime and memory are this node's (`nodeId`).
 */
export async function statsSnapshot(ctx: SwitchboardContext): Promise<SwitchboardStats> {
  const counts = await ctx.presence.counts();
  const rooms = await roomCounts(ctx);
  return {
    connections: counts.connections,
    users: counts.users,
    rooms: { count: rooms.length, list: rooms },
    nodes: await orUnavailable('The cluster adapter (Redis)', () => ctx.io.of('/').adapter.serverCount()),
    eventsPerSecond: ctx.metrics.eventsPerSecond(),
    errorsByCode: await ctx.metrics.errorsByCode(),
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    nodeId: ctx.nodeId,
    memory: { rssBytes: process.memoryUsage().rss },
  };
}

const presenceQuery = z.object({ userIds: z.string().min(1, 'userIds is required') });

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const schemas = {
  health: { tags: ['monitoring'], summary: 'Liveness: the process answers' },
  ready: { tags: ['monitoring'], summary: 'Readiness: store, cluster adapter and backing services (503 with the failing checks)' },
  metrics: {
    tags: ['monitoring'],
    summary: 'Prometheus metrics (needs an API key or role admin/monitor when `metrics.requireKey` is on)',
    produces: ['text/plain'],
  },
  status: { tags: ['monitoring'], summary: 'Socket.IO status, the events clients may send, and room name patterns' },
  myConnections: { tags: ['monitoring'], summary: "The caller's own connections, and the server's totals", security: USER_AUTH },
  stats: { tags: ['monitoring'], summary: 'Connections, users, rooms, nodes, events/s and errors by code', security: SERVER_AUTH },
  rooms: { tags: ['monitoring'], summary: 'Every room with its member count, summed over the nodes', security: SERVER_AUTH },
  presence: {
    tags: ['monitoring'],
    summary: 'Presence of up to 1,000 users (`userIds=1,2,3`)',
    security: USER_OR_SERVER_AUTH,
    querystring: presenceQuery,
  },
} satisfies Record<string, FastifySchema>;

function monitoringRoutes(http: FastifyInstance, ctx: SwitchboardContext): void {
  http.get('/health', { schema: schemas.health }, async () => ({
    ok: true,
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
  }));

  http.get('/ready', { schema: schemas.ready }, async (_request, reply) => {
    const cluster = ctx.cluster;
    const checks: Record<string, { ok: boolean; error?: string }> = {
      store: await check(() => ctx.store.ping()),
      // The Socket.IO adapter: in memory on a single node, Redis in a cluster.
      adapter: cluster ? await check(() => cluster.ping()) : { ok: true },
    };
    // Checks of features with backing services of their own (`kafka` when the bridge is on).
    for (const [name, probe] of ctx.readinessChecks) checks[name] = await check(probe);
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send(ok ? { ok, checks } : { ok, checks, error: { code: 'UNAVAILABLE', message: 'Not ready' } });
  });

  http.get('/metrics', { schema: schemas.metrics }, async (request, reply) => {
    if (ctx.config.metrics.requireKey) await requireServer(ctx, request, ['admin', 'monitor']);
    return reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  http.get('/api/status', { schema: schemas.status }, async () => {
    const counts = await ctx.presence.counts();
    return {
      ok: true,
      socketio: { ready: true, connectedUsers: counts.users, totalConnections: counts.connections, endpoint: ctx.config.socket.path },
      events: ctx.events.events,
      rooms: [
        'user:{userId}',
        'notifications',
        'kafka-events',
        'conversation:{conversationId}',
        ...Object.keys(ctx.config.channels).map((ns) => `${ns}:{id}`),
      ],
      message: 'Socket.IO is running and accepting connections',
    };
  });

  http.get('/api/me/connections', { schema: schemas.myConnections }, async (request) => {
    const principal = await requireUser(ctx, request);
    const sockets = await ctx.presence.getUserSockets(principal.userId);
    const counts = await ctx.presence.counts();
    return {
      ok: true,
      you: { userId: principal.userId, connected: sockets.length > 0, connections: sockets.length, room: userRoom(principal.userId) },
      server: { connectedUsers: counts.users, totalConnections: counts.connections },
    };
  });

  http.get('/api/stats', { schema: schemas.stats }, async (request) => {
    await requireServer(ctx, request);
    return { ok: true, ...(await statsSnapshot(ctx)) };
  });

  http.get('/api/rooms', { schema: schemas.rooms }, async (request) => {
    await requireServer(ctx, request);
    const rooms = await roomCounts(ctx);
    return { ok: true, count: rooms.length, rooms };
  });

  http.get('/api/presence', { schema: schemas.presence }, async (request) => {
    await requireUserOrServer(ctx, request);
    const { userIds } = parseOrFail(presenceQuery, request.query);
    const ids = [
      ...new Set(
        userIds
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ].slice(0, 1000);
    return { ok: true, presence: await ctx.presence.get(ids) };
  });
}

export const monitoringFeature = defineFeature({
  name: 'monitoring',
  config: monitoringConfig,
  setup: (ctx) => {
    // Answer the other nodes' room counts (a no-op without a cluster: nobody asks).
    ctx.io.on('rooms:count', (answer) => answer(localRoomCounts(ctx)));
    return {
      api: { stats: () => statsSnapshot(ctx) },
      routes: (http) => monitoringRoutes(http, ctx),
    };
  },
});
