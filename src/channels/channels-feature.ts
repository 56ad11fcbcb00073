/**
 * Channels (issue 3): the members/token/webhook policies, `subscribe` /
 * `unsubscribe` / `publish`, join/leave notices, offsets and history with gap-free
 * recovery, the server API, and the programmatic `publish()`.
 */
import { fail } from '../core/errors.js';
import { defineFeature } from '../core/feature.js';
import { parseOrFail } from '../realtime/validation.js';
import { createBatchWriter } from '../store/batch-writer.js';
import type { WriteContext } from '../store/write-context.js';
import { Backpressure } from './backpressure.js';
import { ChannelFanout } from './channel-fanout.js';
import { parseChannel } from './channel-name.js';
import { channelsConfig } from './channels-config.js';
import { channelsMigrations } from './channels-migrations.js';
import { registerChannelRoutes } from './channels-routes.js';
import { publishBodySchema } from './channels-schemas.js';
import { HistoryRepo } from './history-repo.js';
import { createHistorySweeper } from './history-sweeper.js';
import { MembersRepo } from './members-repo.js';
import { createPolicies } from './policies.js';
import { publicationWrites } from './publication-writes.js';
import { Publisher, type PublishResult } from './publisher.js';
import { RecoveryRegistry } from './recovery-registry.js';
import { announceRecoveredSocket, subscriptionEvents } from './subscriptions.js';

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Publishes `event` with `data` on a channel (any declared or built-in channel,
     * `user:{id}` included), as POST /api/publish does. Resolves with the offset the
     * publication got, or `offset: null` on a channel without history.
     * @example await sb.publish('trip:42', 'trip:updated', { changes: { name: 'Lisbon' } })
     */
    /** `options.writeContext` is internal (the idempotency feature's key, committed with the publication). */
    publish(channel: string, event: string, data?: unknown, options?: { writeContext?: WriteContext }): Promise<PublishResult>;
  }
}

export const channelsFeature = defineFeature({
  name: 'channels',
  config: channelsConfig,
  migrations: channelsMigrations,
  setup(ctx) {
    const members = new MembersRepo(ctx.store);
    const history = new HistoryRepo(ctx.store);
    const recovery = new RecoveryRegistry();
    const fanout = new ChannelFanout(ctx, history, recovery);
    const publisher = new Publisher(
      ctx,
      history,
      fanout,
      createBatchWriter(ctx, publicationWrites(history)),
      new Backpressure(ctx.io, ctx.config.delivery),
    );

    ctx.channels.declareNamespaces(ctx.config.channels);
    ctx.channels.implementPolicies(createPolicies({ members, auth: ctx.auth, logger: ctx.logger }));

    // The server's own publish: no policy check (the caller is the app backend), but
    // the channel must exist for the one policy module.
    const publish = async (
      channel: string,
      event: string,
      data?: unknown,
      internal?: { writeContext?: WriteContext },
    ): Promise<PublishResult> => {
      const body = parseOrFail(publishBodySchema, { channel, event, data });
      const ref = parseChannel(body.channel);
      const options = ctx.channels.optionsOf(ref);
      if (!options) throw fail('NOT_FOUND', `No channel namespace "${ref.namespace ?? ref.name}"`);
      return publisher.publish({ channel: ref, options, event: body.event, data: body.data, writeContext: internal?.writeContext });
    };

    return {
      api: { publish },
      events: subscriptionEvents(ctx, { history, publisher, recovery, sequencers: fanout.sequencers }),
      onConnection: (socket) => announceRecoveredSocket(ctx, socket),
      routes: (http) => registerChannelRoutes(http, ctx, { members, history, publish }),
      services: [
        createHistorySweeper(ctx.config.channels, history, ctx.logger, ctx.config.history.sweepIntervalMs),
        fanout.positionCheck(history),
      ],
    };
  },
});
