/**
 * The assistant seed's test endpoints (`POST /socket/test/*` there, `/api/test/*`
 * here): a signed-in user sends a sample notification to themselves. Registered
 * only when `config.testEndpoints` is on (off unless enabled); otherwise
 * the routes do not exist and answer 404 NOT_FOUND.
 */

import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { SERVER_AUTH, USER_AUTH } from '../http/api-docs.js';
import { requireServer, requireUser } from '../http/guards.js';
import { parseOrFail } from '../realtime/validation.js';
import type { NotifyResult } from './dispatcher.js';
import { NOTIFICATION_TYPES, type NotifyInput } from './notifications-schemas.js';

const text = (max: number) => z.string().min(1).max(max).optional();

// Loose objects: the seed's clients send extra fields (location, id, …) that end up in `data`.
const notificationBody = z.object({
  type: z.enum(NOTIFICATION_TYPES).optional(),
  title: text(200),
  message: text(10_000),
  data: z.unknown().optional(),
});
const emailBody = z.looseObject({ from: text(320), subject: text(500) });
const eventBody = z.looseObject({ title: text(200), time: text(100), location: text(200) });
const alarmBody = z.looseObject({ title: text(200), time: text(100) });
const broadcastBody = z.object({ title: text(200), message: text(10_000) });

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const TEST = { tags: ['test endpoints'] };
const schemas = {
  notification: { ...TEST, summary: 'Send a sample notification to yourself', security: USER_AUTH, body: notificationBody },
  email: { ...TEST, summary: 'Send a sample "new email" notification to yourself', security: USER_AUTH, body: emailBody },
  event: { ...TEST, summary: 'Send a sample "upcoming event" notification to yourself', security: USER_AUTH, body: eventBody },
  alarm: { ...TEST, summary: 'Send a sample alarm notification to yourself', security: USER_AUTH, body: alarmBody },
  broadcast: { ...TEST, summary: 'Send a sample broadcast to everyone connected', security: SERVER_AUTH, body: broadcastBody },
} satisfies Record<string, FastifySchema>;

type Notify = (input: NotifyInput) => Promise<NotifyResult>;

export function testRoutes(http: FastifyInstance, ctx: SwitchboardContext, notify: Notify): void {
  /** Sends to the caller and answers in the seed's shape, plus the notification itself. */
  const sendToSelf = async (userId: string, input: Omit<NotifyInput, 'userId' | 'userIds'>, what: string) => {
    const result = await notify({ ...input, userId });
    const userConnected = await ctx.presence.isOnline(userId);
    return {
      ok: true,
      message: `${what} sent via Socket.IO`,
      userConnected,
      note: userConnected
        ? 'User is connected, notification delivered'
        : 'User is not connected; the notification is stored in the inbox and counted at the next connection',
      notification: result.notification,
    };
  };

  http.post('/api/test/notification', { schema: schemas.notification }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const body = parseOrFail(notificationBody, request.body ?? {});
    return sendToSelf(
      userId,
      { type: body.type ?? 'info', title: body.title ?? 'Test', message: body.message ?? 'Hello from Socket.IO!', data: body.data },
      'Notification',
    );
  });

  http.post('/api/test/email', { schema: schemas.email }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const body = parseOrFail(emailBody, request.body ?? {});
    const data = { ...body, from: body.from ?? 'sender@example.com', subject: body.subject ?? 'Test Email' };
    return sendToSelf(userId, { template: 'email:new', data }, 'Email notification');
  });

  http.post('/api/test/event', { schema: schemas.event }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const body = parseOrFail(eventBody, request.body ?? {});
    const data = { ...body, title: body.title ?? 'Team Meeting', time: body.time ?? new Date(Date.now() + 15 * 60_000).toISOString() };
    return sendToSelf(userId, { template: 'event:upcoming', data }, 'Event notification');
  });

  http.post('/api/test/alarm', { schema: schemas.alarm }, async (request) => {
    const { userId } = await requireUser(ctx, request);
    const body = parseOrFail(alarmBody, request.body ?? {});
    const data = { ...body, title: body.title ?? 'Alarm', time: body.time ?? new Date().toISOString() };
    return sendToSelf(userId, { template: 'alarm:trigger', data }, 'Alarm notification');
  });

  // Admin only (or an API key): it reaches every connected user.
  http.post('/api/test/broadcast', { schema: schemas.broadcast }, async (request) => {
    const caller = await requireServer(ctx, request);
    const body = parseOrFail(broadcastBody, request.body ?? {});
    const broadcast = await ctx.use('broadcast')({
      title: body.title ?? 'System Announcement',
      message: body.message ?? 'This is a test broadcast',
      from: caller.kind === 'user' ? caller.principal.userId : 'system',
    });
    return { ok: true, message: 'Broadcast sent via Socket.IO', broadcast };
  });
}
