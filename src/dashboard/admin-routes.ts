/**
 * The admin routes behind the dashboard (`/api/admin/*`, docs/dashboard.md). Reads
 * are aggregates or pages; the three actions (publish, notify, disconnect) go
 * through the same dispatchers as the server API and are audited.
 */

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { userRoom } from '../realtime/rooms.js';
import { parseOrFail } from '../realtime/validation.js';
import { audited, identityOf, requireAdmin } from './admin-auth.js';
import { channelsPage } from './channels-page.js';
import type { AskNodes } from './node-query.js';
import type { Overview } from './shapes.js';
import { usersPage } from './users-page.js';

const pageQuery = z.object({
  cursor: z.string().max(200).default(''),
  prefix: z.string().max(200).default(''),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const userParams = z.object({ id: z.string().min(1).max(200) });

const publishBody = z.object({
  channel: z.string().min(1).max(200),
  event: z.string().min(1).max(100),
  data: z.unknown().optional(),
});

const notifyBody = z.object({
  userId: z.string().min(1).max(200),
  type: z.enum(['info', 'success', 'warning', 'error']).default('info'),
  title: z.string().min(1).max(200),
  message: z.string().max(10_000).default(''),
});

export interface AdminRoutesOptions {
  ask: AskNodes;
  overview: () => Promise<Overview>;
}

export function registerAdminRoutes(http: FastifyInstance, ctx: SwitchboardContext, { ask, overview }: AdminRoutesOptions): void {
  http.get('/api/admin/whoami', async (request) => {
    return { ok: true, ...identityOf(await requireAdmin(ctx, request)) };
  });

  http.get('/api/admin/overview', async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await overview()) };
  });

  http.get('/api/admin/channels', async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await channelsPage(ctx, ask, parseOrFail(pageQuery, request.query))) };
  });

  http.get('/api/admin/users', async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await usersPage(ctx, parseOrFail(pageQuery, request.query))) };
  });

  http.get('/api/admin/users/:id', async (request) => {
    await requireAdmin(ctx, request);
    const { id } = parseOrFail(userParams, request.params);
    const presence = await ctx.presence.get([id]);
    return { ok: true, userId: id, presence: presence[id] };
  });

  http.get('/api/admin/users/:id/sockets', async (request) => {
    await requireAdmin(ctx, request);
    const { id } = parseOrFail(userParams, request.params);
    // Only the nodes holding this user's room report sockets; the others answer [].
    const { answers, expected, answered } = await ask({ kind: 'user-sockets', userId: id });
    const sockets = answers.flat().sort((a, b) => a.connectedAt.localeCompare(b.connectedAt) || a.id.localeCompare(b.id));
    return { ok: true, userId: id, sockets, nodes: { expected, answered } };
  });

  http.post('/api/admin/publish', async (request) =>
    audited(ctx, request, 'publish', () => {
      const body = parseOrFail(publishBody, request.body);
      return {
        target: { channel: body.channel, event: body.event },
        run: async () => ({ ok: true, ...(await ctx.use('publish')(body.channel, body.event, body.data)) }),
      };
    }),
  );

  http.post('/api/admin/notify', async (request, reply) =>
    audited(ctx, request, 'notify', () => {
      const body = parseOrFail(notifyBody, request.body);
      return {
        target: { userId: body.userId, title: body.title },
        run: async () => {
          const result = await ctx.use('notify')(body);
          void reply.code(202);
          return { ok: true, id: result.ids[0], count: result.count };
        },
      };
    }),
  );

  http.post('/api/admin/users/:id/disconnect', async (request) =>
    audited(ctx, request, 'disconnect', () => {
      const { id } = parseOrFail(userParams, request.params);
      return {
        target: { userId: id },
        run: async () => {
          const sockets = await ctx.presence.getUserSockets(id);
          // Through the adapter: the nodes holding the user's sockets close them.
          ctx.io.in(userRoom(id)).disconnectSockets(true);
          return { ok: true, userId: id, disconnected: sockets.length };
        },
      };
    }),
  );
}
