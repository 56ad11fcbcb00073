/**
 * The server API of channels: POST /api/publish, membership of `members` channels,
 * history, and POST /api/users/{id}/disconnect. Channel names appear literally in
 * paths (`/api/channels/trip:1/members/u1`).
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { SERVER_AUTH, USER_OR_SERVER_AUTH } from '../http/api-docs.js';
import { requireServer, requireUserOrServer } from '../http/guards.js';
import { idempotencyHeadersSchema } from '../idempotency/index.js';
import { userRoom } from '../realtime/rooms.js';
import { parseOrFail } from '../realtime/validation.js';
import type { WriteContext } from '../store/write-context.js';
import { type ChannelRef, parseChannel } from './channel-name.js';
import type { ChannelOptions } from './channel-policy.js';
import { historyParamsSchema, historyQuerySchema, memberParamsSchema, publishBodySchema, userParamsSchema } from './channels-schemas.js';
import type { HistoryRepo } from './history-repo.js';
import { toPublication } from './history-repo.js';
import type { MembersRepo } from './members-repo.js';
import { type PublishResult, retentionOf } from './publisher.js';

export interface ChannelRoutesServices {
  members: MembersRepo;
  history: HistoryRepo;
  /** The one dispatcher, as the programmatic API exposes it. */
  publish(channel: string, event: string, data?: unknown, options?: { writeContext?: WriteContext }): Promise<PublishResult>;
}

/** Publications per history page when `limit` is not given. */
const DEFAULT_HISTORY_LIMIT = 100;

/** A channel of a declared `members` namespace, or NOT_FOUND / VALIDATION_FAILED. */
function membersChannel(ctx: SwitchboardContext, name: string): { channel: ChannelRef; options: ChannelOptions } {
  const channel = parseChannel(name);
  const ns = channel.namespace === null ? undefined : ctx.config.channels[channel.namespace];
  const options = ctx.channels.optionsOf(channel);
  if (!ns || !options) throw fail('NOT_FOUND', `No channel namespace "${channel.namespace ?? name}"`);
  if (ns.policy !== 'members') throw fail('VALIDATION_FAILED', `"${channel.namespace}" channels do not use the members policy`);
  return { channel, options };
}

/** What each route takes, for the OpenAPI document (src/http/api-docs.ts); the handlers parse with the same schemas. */
const schemas = {
  publish: {
    tags: ['channels'],
    summary: 'Publish an event to a channel (stored first when the channel keeps history)',
    security: SERVER_AUTH,
    body: publishBodySchema,
    headers: idempotencyHeadersSchema,
  },
  addMember: {
    tags: ['channels'],
    summary: 'Add a member to a channel of a `members` namespace (201 when added, 200 when already one)',
    security: SERVER_AUTH,
    params: memberParamsSchema,
  },
  removeMember: {
    tags: ['channels'],
    summary: "Remove a member; the user's live sockets leave the channel at once",
    security: SERVER_AUTH,
    params: memberParamsSchema,
  },
  history: {
    tags: ['channels'],
    summary: 'Stored publications after an offset, oldest first (a user must be allowed to subscribe)',
    security: USER_OR_SERVER_AUTH,
    params: historyParamsSchema,
    querystring: historyQuerySchema,
  },
  disconnect: {
    tags: ['channels'],
    summary: 'Disconnect every socket of a user, on every node',
    security: SERVER_AUTH,
    params: userParamsSchema,
  },
} satisfies Record<string, FastifySchema>;

export function registerChannelRoutes(http: FastifyInstance, ctx: SwitchboardContext, services: ChannelRoutesServices): void {
  http.post('/api/publish', { schema: schemas.publish, config: { idempotent: true } }, async (request) => {
    await requireServer(ctx, request);
    const body = parseOrFail(publishBodySchema, request.body);
    const result = await services.publish(body.channel, body.event, body.data, { writeContext: request.writeContext });
    return { ok: true, ...result };
  });

  http.put('/api/channels/:channel/members/:userId', { schema: schemas.addMember }, async (request, reply) => {
    await requireServer(ctx, request);
    const { channel: name, userId } = parseOrFail(memberParamsSchema, request.params);
    membersChannel(ctx, name);
    const added = await services.members.add(name, userId);
    return reply.code(added ? 201 : 200).send({ ok: true, channel: name, userId, added });
  });

  http.delete('/api/channels/:channel/members/:userId', { schema: schemas.removeMember }, async (request) => {
    await requireServer(ctx, request);
    const { channel: name, userId } = parseOrFail(memberParamsSchema, request.params);
    const { options } = membersChannel(ctx, name);
    const removed = await services.members.remove(name, userId);
    // Membership is checked at subscribe time; a removed member's live sockets (on
    // every node, through the adapter) leave the room now so they stop receiving.
    await ctx.io.in(userRoom(userId)).socketsLeave(name);
    if (removed && options.joinLeave) ctx.emitter.toRooms(name, 'user:left', { channel: name, userId });
    return { ok: true, channel: name, userId, removed };
  });

  http.get('/api/channels/:channel/history', { schema: schemas.history }, async (request) => {
    const caller = await requireUserOrServer(ctx, request);
    const { channel: name } = parseOrFail(historyParamsSchema, request.params);
    const query = parseOrFail(historyQuerySchema, request.query);
    let options: ChannelOptions | undefined;
    if (caller.kind === 'user') {
      ({ options } = await ctx.channels.authorize(caller.principal, name, 'history', query.channelToken));
    } else {
      options = ctx.channels.optionsOf(parseChannel(name));
      if (!options) throw fail('NOT_FOUND', `No channel "${name}"`);
    }
    if (!options.history) throw fail('NOT_FOUND', `Channel "${name}" keeps no history`);
    const page = await services.history.read(name, {
      ...retentionOf(options.history),
      since: query.since,
      limit: query.limit ?? DEFAULT_HISTORY_LIMIT,
    });
    const publications = page.publications.map((row) => toPublication(name, row));
    const last = publications.at(-1);
    return {
      ok: true,
      channel: name,
      offset: Math.max(page.lastOffset, last?.offset ?? 0),
      recovered: page.recovered,
      publications,
      ...(page.hasMore && last ? { nextCursor: last.offset } : {}),
    };
  });

  http.post('/api/users/:id/disconnect', { schema: schemas.disconnect }, async (request) => {
    await requireServer(ctx, request);
    const { id } = parseOrFail(userParamsSchema, request.params);
    // The count from presence (cluster-wide), the disconnect through the user's room:
    // no node is asked for its sockets.
    const sockets = await ctx.presence.getUserSockets(id);
    ctx.io.in(userRoom(id)).disconnectSockets(true);
    return { ok: true, userId: id, disconnected: sockets.length };
  });
}
