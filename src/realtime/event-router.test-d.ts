/**
 * Type tests of the typed router: handlers exist only for names of the client→server
 * map, each schema must accept exactly the event's payload, and a handler answers the
 * event's ack data.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Message } from '../protocol/shapes.js';
import { defineEvent } from './event-router.js';

const idPayload = z.object({ messageId: z.string() });

describe('defineEvent', () => {
  it('accepts a schema whose input is exactly the payload, and types the handler from it', () => {
    defineEvent('message:delete', {
      schema: idPayload,
      handler: (payload) => {
        expectTypeOf(payload).toEqualTypeOf<{ messageId: string }>();
        return { messageId: payload.messageId };
      },
    });
    // Events sent without a payload take any schema (clients may still send something).
    defineEvent('ping', { schema: z.unknown(), handler: () => ({ timestamp: 'now' }) });
  });

  it('rejects an event name outside the map', () => {
    // @ts-expect-error: not a client→server event of the contract
    defineEvent('no-such-event', { schema: z.unknown(), handler: () => undefined });
  });

  it('rejects a schema that accepts another payload', () => {
    defineEvent('message:delete', {
      // @ts-expect-error: message:delete takes { messageId }, not { id }
      schema: z.object({ id: z.string() }),
      handler: () => ({ messageId: 'm' }),
    });
    defineEvent('message:delete', {
      // @ts-expect-error: a looser schema (optional messageId) does not match either
      schema: z.object({ messageId: z.string().optional() }),
      handler: () => ({ messageId: 'm' }),
    });
  });

  it('rejects a handler that answers other data than the ack type', () => {
    defineEvent('message:edit', {
      schema: z.object({ messageId: z.string(), content: z.string() }),
      // @ts-expect-error: message:edit answers { message: Message }
      handler: () => ({ messageId: 'm' }),
    });
    defineEvent('message:edit', {
      schema: z.object({ messageId: z.string(), content: z.string() }),
      handler: () => ({ message: {} as Message }),
    });
  });
});
