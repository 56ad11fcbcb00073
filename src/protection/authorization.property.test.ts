/**
 * Issue 12: random sequences of join / subscribe / publish / send / read / edit /
 * delete operations by random users never reach another user's data (fast-check).
 * Every piece of content names who may see it (`msg|a|b|…` for the conversation of a
 * and b, `pub|x|…` for the channel of x); the checker reads everything each user's
 * socket received (events and acks) and every HTTP answer it got, and fails on any
 * piece that names others only. Writes by someone without the right must be refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitAck, type TestSocket } from '../../test/support/client.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import type { Ack, Message } from '../protocol/shapes.js';

const USERS = ['ann', 'ben', 'cyd'] as const;
const generous = { points: 1_000_000, perSeconds: 1 };

type Op = {
  kind: 'send' | 'join' | 'edit' | 'delete' | 'read' | 'history' | 'subscribe' | 'publish';
  actor: number;
  target: number;
  pick: number;
};

interface World {
  server: TestServer;
  sockets: Map<string, TestSocket>;
  tokens: Map<string, string>;
  seen: Map<string, string[]>;
  conversations: Array<{ id: string; members: string[] }>;
  messages: Array<{ id: string; conversationId: string; author: string; members: string[] }>;
  counter: number;
}

/** Who may see a piece of content, from its tag. */
function audience(tag: string): string[] {
  const [kind, a = '', b = ''] = tag.split('|');
  return kind === 'pub' ? [a] : [a, b];
}

function violations(world: World): string[] {
  const found: string[] = [];
  for (const [user, texts] of world.seen) {
    for (const text of texts) {
      for (const match of text.matchAll(/(msg|edit|pub)\|[a-z]+(\|[a-z]+)?/g)) {
        if (!audience(match[0]).includes(user)) found.push(`${user} saw ${match[0]}`);
      }
    }
  }
  return found;
}

async function act(world: World, op: Op): Promise<void> {
  const actor = USERS[op.actor % USERS.length] as string;
  const target = USERS[op.target % USERS.length] as string;
  const socket = world.sockets.get(actor) as TestSocket;
  const record = (value: unknown) => world.seen.get(actor)?.push(JSON.stringify(value));
  const n = world.counter++;
  const conversation = world.conversations[op.pick % Math.max(1, world.conversations.length)];
  const message = world.messages[op.pick % Math.max(1, world.messages.length)];
  const pair = [actor, target].sort().join('|');
  switch (op.kind) {
    case 'send': {
      const ack = (await emitAck(socket, 'message:send', { receiverId: target, content: `msg|${pair}|${n}` })) as Ack<{ message: Message }>;
      record(ack);
      if (ack.ok && ack.data) {
        const { id, conversationId } = ack.data.message;
        if (!world.conversations.some((c) => c.id === conversationId))
          world.conversations.push({ id: conversationId, members: [actor, target] });
        world.messages.push({ id, conversationId, author: actor, members: [actor, target] });
      }
      return;
    }
    case 'join': {
      if (!conversation) return;
      const ack = await emitAck(socket, 'conversation:join', { conversationId: conversation.id });
      record(ack);
      if (ack.ok && !conversation.members.includes(actor))
        throw new Error(`${actor} joined ${conversation.members.join('+')}'s conversation`);
      return;
    }
    case 'edit':
    case 'delete': {
      if (!message) return;
      const [a = '', b = ''] = message.members;
      const ack =
        op.kind === 'edit'
          ? await emitAck(socket, 'message:edit', { messageId: message.id, content: `edit|${[a, b].sort().join('|')}|${n}` })
          : await emitAck(socket, 'message:delete', { messageId: message.id });
      record(ack);
      if (ack.ok && message.author !== actor) throw new Error(`${actor} could ${op.kind} a message of ${message.author}`);
      return;
    }
    case 'read': {
      if (!message) return;
      const ack = await emitAck(socket, 'message:read', { conversationId: message.conversationId, messageId: message.id });
      record(ack);
      if (ack.ok && !message.members.includes(actor)) throw new Error(`${actor} marked a message of ${message.members.join('+')} read`);
      return;
    }
    case 'history': {
      if (!conversation) return;
      const res = await world.server.request('GET', `/api/conversations/${conversation.id}/messages`, { token: world.tokens.get(actor) });
      record(res.body);
      if (res.status === 200 && !conversation.members.includes(actor))
        throw new Error(`${actor} read ${conversation.members.join('+')}'s history`);
      return;
    }
    case 'subscribe': {
      const ack = await emitAck(socket, 'subscribe', { channel: `team:${target}` });
      record(ack);
      if (ack.ok && actor !== target) throw new Error(`${actor} subscribed to team:${target}`);
      return;
    }
    case 'publish': {
      const ack = await emitAck(socket, 'publish', { channel: `team:${target}`, event: 'note', data: `pub|${target}|${n}` });
      record(ack);
      if (ack.ok && actor !== target) throw new Error(`${actor} published to team:${target}`);
      return;
    }
  }
}

describe('authorization under random operation sequences', () => {
  it('no user ever reaches another user’s conversations, messages or channels', async () => {
    const server = await startTestServer({
      config: {
        floodDisconnectAfter: 1_000_000,
        rateLimits: { default: generous, subscribe: generous, 'message:read': generous },
        limits: { maxConnectionsPerUser: 100 },
        channels: { team: { policy: 'members', clientPublish: true, history: { size: 50 } } },
      },
    });
    const world: World = { server, sockets: new Map(), tokens: new Map(), seen: new Map(), conversations: [], messages: [], counter: 0 };
    for (const user of USERS) {
      expect((await server.request('PUT', `/api/channels/team:${user}/members/${user}`, { apiKey: true })).status).toBeLessThan(300);
      const token = await server.token(user);
      const { socket } = await server.connect(user, { token });
      const seen: string[] = [];
      socket.onAny((...args: unknown[]) => seen.push(JSON.stringify(args)));
      world.sockets.set(user, socket);
      world.tokens.set(user, token);
      world.seen.set(user, seen);
    }
    const op = fc.record({
      kind: fc.constantFrom('send', 'join', 'edit', 'delete', 'read', 'history', 'subscribe', 'publish'),
      actor: fc.nat(USERS.length - 1),
      target: fc.nat(USERS.length - 1),
      pick: fc.nat(50),
    }) as fc.Arbitrary<Op>;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        for (const step of ops) await act(world, step);
        // Let broadcasts of the last writes arrive before reading what each user saw.
        for (const socket of world.sockets.values()) await emitAck(socket, 'ping');
        expect(violations(world)).toEqual([]);
      }),
      { numRuns: 80, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(world.messages.length).toBeGreaterThan(0);
  }, 180_000);
});
