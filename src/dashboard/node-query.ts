/**
 * The dashboard's question to every node of a cluster, through Socket.IO's own
 * adapter (`serverSideEmit` with an ack: STYLE.md #5, no pub/sub of our own). Each
 * node answers with small, bounded aggregates of its own sockets, so the cost of a
 * dashboard refresh depends on the number of nodes, not on the number of
 * connections: that is what keeps it usable at 10,000 sockets, where streaming
 * every socket (socket.io-admin-ui) is not. On a single node (in-memory adapter, which
 * has no serverSideEmit) only the local answer counts.
 */
import { z } from 'zod';
import type { SwitchboardContext, SwitchboardSocket } from '../core/context.js';
import { VERSION } from '../core/version.js';
import { userRoom } from '../realtime/rooms.js';
import type { NodeStats, NodesAnswered, SocketDetail } from './shapes.js';

/** Every socket joins `user:{id}`; those rooms are users, not channels, and are listed apart. */
const USER_ROOM_PREFIX = userRoom('');
/** Rooms listed per socket at most (a socket may be in thousands). */
const MAX_ROOMS_PER_SOCKET = 100;
/** Sockets of one user reported per node at most. */
const MAX_SOCKETS_PER_USER = 200;
/** Events/s are averaged over this many seconds: recent enough to look live. */
const RATE_WINDOW_SECONDS = 5;

const querySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stats') }),
  z.object({
    kind: z.literal('channels'),
    after: z.string().max(200),
    prefix: z.string().max(200),
    limit: z.number().int().min(1).max(201),
  }),
  z.object({ kind: z.literal('user-sockets'), userId: z.string().min(1).max(200) }),
]);

/** A question every node answers about itself. */
export type NodeQuery = z.infer<typeof querySchema>;

/** What each kind of query answers. */
export interface NodeAnswers {
  stats: NodeStats;
  /** `[channel, subscribers on this node]`, sorted by name, the first `limit` after `after`. */
  channels: Array<[string, number]>;
  'user-sockets': SocketDetail[];
}

/** Answers gathered from the cluster: this node's first, then the others'. */
export interface Gathered<T> extends NodesAnswered {
  answers: T[];
}

declare module '../protocol/events.js' {
  interface InterServerEvents {
    /** Every node answers a dashboard query about itself. */
    'dashboard:query': (query: NodeQuery, ack: (answer: unknown) => void) => void;
  }
}

function socketDetail(ctx: SwitchboardContext, socket: SwitchboardSocket): SocketDetail {
  const rooms = [...socket.rooms].filter((room) => room !== socket.id);
  const agent = socket.handshake.headers['user-agent'];
  return {
    id: socket.id,
    nodeId: ctx.nodeId,
    transport: socket.conn.transport.name,
    address: socket.handshake.address,
    userAgent: typeof agent === 'string' ? agent : null,
    connectedAt: new Date(socket.handshake.issued).toISOString(),
    rooms: rooms.slice(0, MAX_ROOMS_PER_SOCKET),
    roomCount: rooms.length,
    authKind: socket.data.authKind,
    roles: socket.data.roles,
  };
}

/** This node's answer to `query`. */
export async function answerLocally<Q extends NodeQuery>(ctx: SwitchboardContext, query: Q): Promise<NodeAnswers[Q['kind']]> {
  const nsp = ctx.io.of('/');
  switch (query.kind) {
    case 'stats': {
      const stats: NodeStats = {
        nodeId: ctx.nodeId,
        version: VERSION,
        connections: nsp.sockets.size,
        eventsInPerSecond: ctx.metrics.eventsPerSecond(RATE_WINDOW_SECONDS),
        eventsOutPerSecond: ctx.metrics.eventsOutPerSecond(RATE_WINDOW_SECONDS),
        errorsByCode: await ctx.metrics.errorsByCode(),
        handshakeFailuresByCode: await ctx.metrics.handshakeFailuresByCode(),
        uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
        rssBytes: process.memoryUsage().rss,
      };
      return stats as NodeAnswers[Q['kind']];
    }
    case 'channels': {
      // One pass over the local rooms (O(rooms)); only the page's names are sorted out.
      const { after, prefix, limit } = query as Extract<NodeQuery, { kind: 'channels' }>;
      const found: Array<[string, number]> = [];
      for (const [room, members] of nsp.adapter.rooms) {
        if (nsp.adapter.sids.has(room) || room.startsWith(USER_ROOM_PREFIX)) continue;
        if (room > after && room.startsWith(prefix)) found.push([room, members.size]);
      }
      found.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      return found.slice(0, limit) as NodeAnswers[Q['kind']];
    }
    case 'user-sockets': {
      const { userId } = query as Extract<NodeQuery, { kind: 'user-sockets' }>;
      const details: SocketDetail[] = [];
      for (const id of nsp.adapter.rooms.get(userRoom(userId)) ?? []) {
        const socket = nsp.sockets.get(id);
        if (socket) details.push(socketDetail(ctx, socket));
        if (details.length >= MAX_SOCKETS_PER_USER) break;
      }
      return details as NodeAnswers[Q['kind']];
    }
  }
  throw new Error(`unknown node query ${(query as { kind: string }).kind}`);
}

/** Asks every node (this one included) and resolves with their answers. */
export type AskNodes = <Q extends NodeQuery>(query: Q) => Promise<Gathered<NodeAnswers[Q['kind']]>>;

/**
 * Answers other nodes' queries from now on and returns `ask`. A node that does not
 * answer within the adapter's request timeout (Redis adapter: 5 s) is left out, and
 * `answered < expected` says so.
 */
export function createNodeQuery(ctx: SwitchboardContext): AskNodes {
  const io = ctx.io;
  io.on('dashboard:query', (raw, ack) => {
    const parsed = querySchema.safeParse(raw);
    if (!parsed.success || typeof ack !== 'function') return;
    answerLocally(ctx, parsed.data).then(ack, (err: unknown) => {
      ctx.logger.error({ err, query: parsed.data.kind }, 'dashboard node query failed');
    });
  });

  return async (query) => {
    const local = await answerLocally(ctx, query);
    // The in-memory adapter of a single node has no serverSideEmit (and no other node).
    if (!ctx.cluster) return { answers: [local], expected: 1, answered: 1 };
    const [remote, expected] = await Promise.all([
      new Promise<unknown[]>((resolve) => {
        // On a timeout the adapter still hands over the answers that did arrive.
        io.serverSideEmit('dashboard:query', query, (_err: Error | null, answers: unknown[]) => resolve(answers ?? []));
      }),
      ctx.io.of('/').adapter.serverCount(),
    ]);
    const answers = [local, ...(remote as Array<typeof local>)];
    return { answers, expected: Math.max(expected, answers.length), answered: answers.length };
  };
}
