/**
 * `message.created` for the outbound webhooks, built inside the send batch's
 * transaction (src/core/domain-events.ts `withEvents`), so a message and its event are
 * stored together. `online` per recipient comes from presence, cluster-wide: one
 * lookup per batch. When presence cannot answer, recipients count as offline, so a
 * push sender errs towards one push too many rather than a message nobody hears of.
 */
import type { SwitchboardContext } from '../core/context.js';
import type { BatchEvents, DomainEvent } from '../core/domain-events.js';
import { toMessage } from './chat-shapes.js';
import type { SendWrite, SentMessage } from './message-writes.js';

export function messageCreatedEvents(ctx: SwitchboardContext): BatchEvents<SendWrite, SentMessage> {
  return async (_items, outcomes) => {
    const sent = outcomes.flatMap((o) => (o.ok && o.value.created ? [o.value] : []));
    if (sent.length === 0) return [];
    const recipientsOf = (s: SentMessage) => s.memberIds.filter((id) => id !== s.row.sender_id);
    const userIds = [...new Set(sent.flatMap(recipientsOf))];
    const presence = await ctx.presence.get(userIds).catch((err) => {
      ctx.logger.warn({ err }, 'presence unavailable: message.created recipients reported offline');
      return {} as Awaited<ReturnType<typeof ctx.presence.get>>;
    });
    return sent.map(
      (s): DomainEvent => ({
        type: 'message.created',
        data: {
          message: toMessage(s.row),
          recipients: recipientsOf(s).map((userId) => ({ userId, online: (presence[userId]?.devices ?? 0) > 0 })),
        },
      }),
    );
  };
}
