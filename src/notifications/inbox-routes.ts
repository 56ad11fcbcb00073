/**
 * The inbox over HTTP (user token) and over the socket (`notification:read`,
 * `notification:delete`). Both call the same `Inbox`, so the echo to the user's
 * other devices is identical whichever way the change came in.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { SwitchboardContext } from '../core/context.js';
import { USER_AUTH } from '../http/api-docs.js';
import { requireUser } from '../http/guards.js';
import { defineEvent, type EventHandlers } from '../realtime/event-router.js';
import { parseOrFail } from '../realtime/validation.js';
import type { Inbox } from './inbox.js';
import { toNotification } from './notification-content.js';
import type { NotificationsRepo } from './notifications-repo.js';
import { deleteEventSchema, idParamsSchema, listQuerySchema, readEventSchema } from './notifications-schemas.js';

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const schemas = {
  list: { tags: ['notifications'], summary: "The caller's inbox, newest first", security: USER_AUTH, querystring: listQuerySchema },
  unreadCount: { tags: ['notifications'], summary: "How many of the caller's notifications are unread", security: USER_AUTH },
  readAll: { tags: ['notifications'], summary: "Mark all of the caller's notifications read", security: USER_AUTH },
  read: {
    tags: ['notifications'],
    summary: "Mark one notification read (echoed to the user's other devices)",
    security: USER_AUTH,
    params: idParamsSchema,
  },
  remove: { tags: ['notifications'], summary: 'Delete one notification from the inbox', security: USER_AUTH, params: idParamsSchema },
} satisfies Record<string, FastifySchema>;

/** GET/POST/DELETE /api/notifications…. */
export function inboxRoutes(http: FastifyInstance, ctx: SwitchboardContext, repo: NotificationsRepo, inbox: Inbox): void {
  http.get('/api/notifications', { schema: schemas.list }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const query = parseOrFail(listQuerySchema, request.query);
    const page = await repo.list(userId, { unreadOnly: query.unread, before: query.before, limit: query.limit });
    return { ok: true, notifications: page.rows.map((row) => toNotification(row)), nextCursor: page.nextCursor };
  });

  http.get('/api/notifications/unread-count', { schema: schemas.unreadCount }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    return { ok: true, count: await repo.unreadCount(userId) };
  });

  // Registered before /:id/read; Fastify prefers the static segment anyway.
  http.post('/api/notifications/read-all', { schema: schemas.readAll }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const { count } = await inbox.markAllRead(userId);
    return { ok: true, count };
  });

  http.post('/api/notifications/:id/read', { schema: schemas.read }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const { id } = parseOrFail(idParamsSchema, request.params);
    return { ok: true, ...(await inbox.markRead(userId, id)) };
  });

  http.delete('/api/notifications/:id', { schema: schemas.remove }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const { id } = parseOrFail(idParamsSchema, request.params);
    return { ok: true, ...(await inbox.remove(userId, id)) };
  });
}

/** The socket events `notification:read` and `notification:delete`. */
export function inboxEvents(inbox: Inbox): EventHandlers {
  return [
    defineEvent('notification:read', {
      schema: readEventSchema,
      handler: async (payload, socket) => {
        const userId = socket.data.userId;
        if ('all' in payload) return { count: (await inbox.markAllRead(userId)).count };
        return inbox.markRead(userId, payload.notificationId);
      },
    }),
    defineEvent('notification:delete', {
      schema: deleteEventSchema,
      handler: (payload, socket) => inbox.remove(socket.data.userId, payload.notificationId),
    }),
  ];
}
