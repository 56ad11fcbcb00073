/**
 * The operator's view of the outbox (server key or admin token): the deliveries by
 * status, and a retry of one event's deliveries now.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { toIso } from '../core/ids.js';
import { SERVER_AUTH } from '../http/api-docs.js';
import { requireServer } from '../http/guards.js';
import { parseOrFail } from '../realtime/validation.js';
import type { DeliveryRow, OutboxRepo } from './outbox-repo.js';

export const deliveriesQuerySchema = z.object({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const deliveryParamsSchema = z.object({ id: z.string().min(1).max(100) });

/** One delivery as the API shows it; `id` is the event's `webhook-id`. */
export interface DeliveryView {
  id: string;
  endpoint: string;
  type: string;
  status: DeliveryRow['status'];
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
}

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.event_id,
    endpoint: row.endpoint,
    type: row.type,
    status: row.status,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: toIso(Number(row.created_at)),
    nextAttemptAt: row.status === 'pending' ? toIso(Number(row.next_attempt_at)) : null,
  };
}

export function registerWebhookRoutes(http: FastifyInstance, ctx: SwitchboardContext, repo: OutboxRepo, kick: () => void): void {
  const deliveriesRoute = {
    tags: ['webhooks'],
    summary: 'Webhook deliveries by status, newest first (attempts, last status and error)',
    security: SERVER_AUTH,
    querystring: deliveriesQuerySchema,
  };
  const retryRoute = {
    tags: ['webhooks'],
    summary: "Retry an event's deliveries now (same `webhook-id`); failed ones become pending again",
    security: SERVER_AUTH,
    params: deliveryParamsSchema,
  };
  http.get('/api/webhooks/deliveries', { schema: deliveriesRoute }, async (request) => {
    await requireServer(ctx, request);
    const query = parseOrFail(deliveriesQuerySchema, request.query);
    return { ok: true, deliveries: (await repo.list(query)).map(toDeliveryView) };
  });

  http.post('/api/webhooks/deliveries/:id/retry', { schema: retryRoute }, async (request) => {
    await requireServer(ctx, request);
    const { id } = parseOrFail(deliveryParamsSchema, request.params);
    if (!(await repo.exists(id))) throw fail('NOT_FOUND', `No webhook event "${id}"`);
    const retried = await repo.retry(id);
    kick();
    return { ok: true, id, retried };
  });
}
