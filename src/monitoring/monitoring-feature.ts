/**
 * Health, readiness, metrics and the status/stats routes of the seeds.
 */

import { z } from 'zod';
import type { Feature, SwitchboardContext } from '../core/context.js';
import { requireServer, requireUser, requireUserOrServer } from '../http/guards.js';
import { userRoom } from '../realtime/rooms.js';
import { parseOrFail } from '../realtime/validation.js';

/** Rooms with local member counts, without each socket's private id room. */
export function roomCounts(ctx: SwitchboardContext): Array<{ room: string; members: number }> {
  const adapter = ctx.io.of('/').adapter;
  const out: Array<{ room: string; members: number }> = [];
  for (const [room, members] of adapter.rooms) {
    if (adapter.sids.has(room)) continue;
    out.push({ room, members: members.size });
  }
  return out.sort((a, b) => b.members - a.members || a.room.localeCompare(b.room));
}

export async function statsSnapshot(ctx: SwitchboardContext) {
  const counts = await ctx.presence.counts();
  const rooms = roomCounts(ctx);
  return {
    connections: counts.connections,
    users: counts.users,
    rooms: { count: rooms.length, list: rooms },
    eventsPerSecond: ctx.metrics.eventsPerSecond(),
    errorsByCode: await ctx.metrics.errorsByCode(),
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
    nodeId: ctx.nodeId,
    memory: { rssBytes: process.memoryUsage().rss },
  };
}

const presenceQuery = z.object({ userIds: z.string().min(1, 'userIds is required') });

export const monitoringFeature: Feature = {
  name: 'monitoring',
  register(ctx) {
    ctx.http.get('/health', async () => ({ ok: true, status: 'ok', uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000) }));

    ctx.http.get('/ready', async (_request, reply) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      try {
        await ctx.store.ping();
        checks.store = { ok: true };
      } catch (err) {
        checks.store = { ok: false, error: (err as Error).message };
      }
      checks.adapter = { ok: true };
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.code(ok ? 200 : 503).send(ok ? { ok, checks } : { ok, checks, error: { code: 'UNAVAILABLE', message: 'Not ready' } });
    });

    ctx.http.get('/metrics', async (request, reply) => {
      if (ctx.config.metrics.requireKey) await requireServer(ctx, request, ['admin', 'monitor']);
      return reply.header('content-type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    });

    ctx.http.get('/api/status', async () => {
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

    ctx.http.get('/api/me/connections', async (request) => {
      const principal = await requireUser(ctx, request);
      const sockets = await ctx.presence.getUserSockets(principal.userId);
      const counts = await ctx.presence.counts();
      return {
        ok: true,
        you: { userId: principal.userId, connected: sockets.length > 0, connections: sockets.length, room: userRoom(principal.userId) },
        server: { connectedUsers: counts.users, totalConnections: counts.connections },
      };
    });

    ctx.http.get('/api/stats', async (request) => {
      await requireServer(ctx, request);
      return { ok: true, ...(await statsSnapshot(ctx)) };
    });

    ctx.http.get('/api/rooms', async (request) => {
      await requireServer(ctx, request);
      const rooms = roomCounts(ctx);
      return { ok: true, count: rooms.length, rooms };
    });

    ctx.http.get('/api/presence', async (request) => {
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
  },
};
