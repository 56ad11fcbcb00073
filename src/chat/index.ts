/** The chat feature's public surface. */
export type { CreateConversationOptions, SendMessageOptions } from './chat-api.js';
export { chatFeature } from './chat-feature.js';
export type { MemberRole } from './chat-tables.js';
