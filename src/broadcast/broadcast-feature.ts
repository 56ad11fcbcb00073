/**
 * `broadcast { title, message, from, timestamp }` to everyone connected: the
 * programmatic `broadcast(...)` and POST /api/broadcast (API key or admin).
 */
import { z } from 'zod';
import { defineFeature } from '../core/feature.js';
import { isoNow } from '../core/ids.js';
import { SERVER_AUTH } from '../http/api-docs.js';
import { requireServer } from '../http/guards.js';
import { idempotencyHeadersSchema } from '../idempotency/index.js';
import type { BroadcastPayload } from '../protocol/events.js';
import { parseOrFail } from '../realtime/validation.js';

export const broadcastBodySchema = z
  .object({
    title: z.string().min(1).max(200),
    message: z.string().min(1).max(10_000),
    from: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ examples: [{ title: 'Maintenance', message: 'Back in 10 minutes' }] });

export type BroadcastInput = z.input<typeof broadcastBodySchema>;

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Sends `broadcast` to every connected user.
     * @example sb.broadcast({ title: 'Maintenance', message: 'Back in 10 minutes' })
     */
    broadcast(input: BroadcastInput): Promise<BroadcastPayload>;
  }
}

export const broadcastFeature = defineFeature({
  name: 'broadcast',
  setup(ctx) {
    const broadcast = async (input: BroadcastInput): Promise<BroadcastPayload> => {
      const body = parseOrFail(broadcastBodySchema, input);
      const payload: BroadcastPayload = { title: body.title, message: body.message, from: body.from ?? 'system', timestamp: isoNow() };
      ctx.emitter.toAll('broadcast', payload);
      return payload;
    };
    return {
      api: { broadcast },
      routes(http) {
        const route = {
          tags: ['broadcast'],
          summary: 'Send `broadcast` to every connected user',
          security: SERVER_AUTH,
          body: broadcastBodySchema,
          headers: idempotencyHeadersSchema,
        };
        http.post('/api/broadcast', { schema: route, config: { idempotent: true } }, async (request) => {
          const caller = await requireServer(ctx, request);
          const body = parseOrFail(broadcastBodySchema, request.body);
          const from = body.from ?? (caller.kind === 'user' ? caller.principal.userId : 'system');
          const sent = await broadcast({ ...body, from });
          return { ok: true, broadcast: sent };
        });
      },
    };
  },
});
