/** The channels feature's public surface. */
export type { ChannelRef } from './channel-name.js';
export { channelNameSchema, parseChannel } from './channel-name.js';
export type { AccessRequest, ChannelAccess, ChannelOptions, NamespaceDefinition } from './channel-policy.js';
export { ChannelPolicy } from './channel-policy.js';
export { channelsFeature } from './channels-feature.js';
export type { PublishResult } from './publisher.js';
