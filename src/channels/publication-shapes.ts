/** Small pure helpers of publications, shared by the publisher, the fan-out and the routes. */
import type { Publication, PublicationMeta } from '../protocol/shapes.js';
import type { ChannelOptions } from './channel-policy.js';
import type { RetentionOptions } from './history-repo.js';

/** The retention a channel's history options describe. */
export function retentionOf(history: NonNullable<ChannelOptions['history']>): RetentionOptions {
  return { size: history.size, ttlMs: history.ttlSeconds === undefined ? undefined : history.ttlSeconds * 1000 };
}

/** The second argument of a delivered publication. */
export function metaOf(publication: Publication): PublicationMeta {
  return { channel: publication.channel, offset: publication.offset, timestamp: publication.timestamp };
}
