/** zod schemas of the feature: the notify input, inbox queries and the socket events' payloads. */
import { z } from 'zod';
import { TEMPLATE_NAMES } from './templates.js';

export const NOTIFICATION_TYPES = ['info', 'success', 'warning', 'error'] as const;

const userIdSchema = z.string().min(1).max(200);
const notificationIdSchema = z.string().min(1).max(64);

/**
 * The notify input (POST /api/notify, `notify()`, the Kafka bridge). Without a
 * template, `type`, `title` and `message` are required; with one they default to
 * the template's and may still be given to override it. Unknown keys are dropped.
 * `maxRecipients` bounds `userIds` (config `notifications.maxRecipients`).
 */
export function notifyInputSchema(maxRecipients: number) {
  return z
    .object({
      userId: userIdSchema.optional(),
      userIds: z.array(userIdSchema).min(1).max(maxRecipients).optional(),
      type: z.enum(NOTIFICATION_TYPES).optional(),
      title: z.string().min(1).max(200).optional(),
      message: z.string().max(10_000).optional(),
      data: z.unknown().optional(),
      kind: z.string().min(1).max(100).optional(),
      template: z.enum(TEMPLATE_NAMES).optional(),
      deliverAt: z.iso.datetime({ offset: true }).optional(),
    })
    .superRefine((input, ctx) => {
      if (input.userId === undefined && input.userIds === undefined) {
        ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or userIds is required' });
      }
      if (input.userId !== undefined && input.userIds !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'give userId or userIds, not both' });
      }
      if (input.template === undefined) {
        for (const key of ['type', 'title', 'message'] as const) {
          if (input[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required without a template` });
        }
      }
    })
    .meta({
      examples: [
        { userId: '42', type: 'success', title: 'Order shipped', message: 'Arrives Friday' },
        { userIds: ['1', '2'], template: 'report:ready', data: { type: 'weekly' } },
      ],
    });
}

/** What `notify()` accepts. */
export type NotifyInput = z.input<ReturnType<typeof notifyInputSchema>>;

/** GET /api/notifications query. `unread=true` (or 1) lists only unread ones. */
export const listQuerySchema = z.object({
  unread: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  before: notificationIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const idParamsSchema = z.object({ id: notificationIdSchema });

/** `notification:read`: one notification, or all of them. */
export const readEventSchema = z.union([z.object({ notificationId: notificationIdSchema }), z.object({ all: z.literal(true) })]);

/** `notification:delete`. */
export const deleteEventSchema = z.object({ notificationId: notificationIdSchema });
