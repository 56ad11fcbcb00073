/**
 * The admin routes behind the dashboard (`/api/admin/*`, docs/dashboard.md). Reads
 * are aggregates or pages; the three actions (publish, notify, disconnect) go
 * through the same dispatchers as the server API and are audited.
 */

import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { SERVER_AUTH } from '../http/api-docs.js';
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

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const ADMIN = { tags: ['dashboard'], security: SERVER_AUTH };
const schemas = {
  whoami: { ...ADMIN, summary: 'Who the dashboard is signed in as (Authorization header only, no ?token=)' },
  overview: { ...ADMIN, summary: 'Nodes, connections, users, events/s, errors and handshake failures by code, services' },
  channels: { ...ADMIN, summary: 'A page of channels with subscriber counts and history size', querystring: pageQuery },
  users: { ...ADMIN, summary: 'A page of online users', querystring: pageQuery },
  user: { ...ADMIN, summary: 'Presence of one user', params: userParams },
  sockets: { ...ADMIN, summary: "A user's sockets on every node: transport, address, rooms, connected since", params: userParams },
  publish: { ...ADMIN, summary: 'Publish to a channel from the dashboard (audited)', body: publishBody },
  notify: { ...ADMIN, summary: 'Notify a user from the dashboard (audited; 202)', body: notifyBody },
  disconnect: { ...ADMIN, summary: 'Disconnect a user from the dashboard (audited)', params: userParams },
} satisfies Record<string, FastifySchema>;

export interface AdminRoutesOptions {
  ask: AskNodes;
  overview: () => Promise<Overview>;
}

export function registerAdminRoutes(http: FastifyInstance, ctx: SwitchboardContext, { ask, overview }: AdminRoutesOptions): void {
  http.get('/api/admin/whoami', { schema: schemas.whoami }, async (request) => {
    return { ok: true, ...identityOf(await requireAdmin(ctx, request)) };
  });

  http.get('/api/admin/overview', { schema: schemas.overview }, async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await overview()) };
  });

  http.get('/api/admin/channels', { schema: schemas.channels }, async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await channelsPage(ctx, ask, parseOrFail(pageQuery, request.query))) };
  });

  http.get('/api/admin/users', { schema: schemas.users }, async (request) => {
    await requireAdmin(ctx, request);
    return { ok: true, ...(await usersPage(ctx, parseOrFail(pageQuery, request.query))) };
  });

  http.get('/api/admin/users/:id', { schema: schemas.user }, async (request) => {
    await requireAdmin(ctx, request);
    const { id } = parseOrFail(userParams, request.params);
    const presence = await ctx.presence.get([id]);
    return { ok: true, userId: id, presence: presence[id] };
  });

  http.get('/api/admin/users/:id/sockets', { schema: schemas.sockets }, async (request) => {
    await requireAdmin(ctx, request);
    const { id } = parseOrFail(userParams, request.params);
    // Only the nodes holding this user's room report sockets; the others answer [].
    const { answers, expected, answered } = await ask({ kind: 'user-sockets', userId: id });
    const sockets = answers.flat().sort((a, b) => a.connectedAt.localeCompare(b.connectedAt) || a.id.localeCompare(b.id));
    return { ok: true, userId: id, sockets, nodes: { expected, answered } };
  });

  http.post('/api/admin/publish', { schema: schemas.publish }, async (request) =>
    audited(ctx, request, 'publish', () => {
      const body = parseOrFail(publishBody, request.body);
      return {
        target: { channel: body.channel, event: body.event },
        run: async () => ({ ok: true, ...(await ctx.use('publish')(body.channel, body.event, body.data)) }),
      };
    }),
  );

  http.post('/api/admin/notify', { schema: schemas.notify }, async (request, reply) =>
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

  http.post('/api/admin/users/:id/disconnect', { schema: schemas.disconnect }, async (request) =>
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
