/**
 * Issue 12: random event names and payloads against the router, over a real socket,
 * never answer INTERNAL and never crash the server (fast-check, bounded runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitAck } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';
import type { Ack } from '../protocol/shapes.js';

const generous = { points: 1_000_000, perSeconds: 1 };
/** Names socket.io-parser refuses to decode (the connection is closed; the router never sees them). */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

describe('event router under random input', () => {
  it('answers every event with data or a typed error, never INTERNAL', async () => {
    const server = await startTestServer({
      config: {
        floodDisconnectAfter: 1_000_000,
        rateLimits: { default: generous, subscribe: generous, 'typing:*': generous, 'message:read': generous },
        channels: { room: { policy: 'public', clientPublish: true } },
      },
    });
    const { socket } = await server.connect('fuzzer');
    const known = server.switchboard.context.events.events;
    const name = fc
      .oneof(
        fc.constantFrom(...known),
        fc.string({ maxLength: 80 }),
        fc.constantFrom('error', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'typing:*', 'message:'),
      )
      .filter((event) => !RESERVED.has(event));
    const payload = fc.oneof(
      fc.anything({ maxDepth: 40, maxKeys: 6 }),
      fc.jsonValue({ maxDepth: 6 }),
      fc.record(
        { channel: fc.string(), event: fc.string(), conversationId: fc.string(), messageId: fc.string(), content: fc.string() },
        { requiredKeys: [] },
      ),
      fc.constantFrom(undefined, null, 0, -1, '', 'room:1', { channel: 'room:1' }, { all: true }, { notificationId: '' }),
    );
    // Packets written by hand (EVENT with an ack id): the client library refuses reserved names.
    const pending = new Map<number, (ack: Ack<unknown>) => void>();
    socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
      const match = typeof packet.data === 'string' ? /^3(\d+)(.*)$/s.exec(packet.data) : null;
      if (match) pending.get(Number(match[1]))?.((JSON.parse(match[2] ?? '[]') as Ack<unknown>[])[0] as Ack<unknown>);
    });
    let nextId = 1000;
    const call = (event: string, data: unknown) =>
      new Promise<Ack<unknown>>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => reject(new Error(`no ack for ${JSON.stringify(event)}`)), 5000);
        pending.set(id, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        socket.io.engine.send(`2${id}${JSON.stringify([event, data])}`);
      });
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(name, payload, async (event, data) => {
        const ack = await call(event, data);
        if (!ack.ok) seen.push(ack.error.code);
        expect(ack.ok || ack.error.code !== 'INTERNAL', `${event}: ${JSON.stringify(ack)}`).toBe(true);
      }),
      { numRuns: 400, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(socket.connected).toBe(true);
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  }, 120_000);

  it('a reserved event name closes only that connection', async () => {
    const server = await startTestServer();
    for (const event of RESERVED) {
      const { socket } = await server.connect('fuzzer');
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      socket.io.engine.send(`21${JSON.stringify([event, {}])}`);
      await closed;
    }
    const { socket } = await server.connect('bystander');
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  });
});
