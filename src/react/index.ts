/**
 * `switchboard/react`: React hooks over `switchboard/client` (React 18+ as a peer
 * dependency). See docs/client.md.
 */
export { SwitchboardProvider, type SwitchboardProviderProps, useConnectionState, useSwitchboard } from './provider.js';
export { type ChannelHandle, useChannel } from './use-channel.js';
export { type ConversationHandle, type Receipt, useConversation } from './use-conversation.js';
export { type ConversationsHandle, useConversations } from './use-conversations.js';
export { type InboxHandle, useInbox } from './use-inbox.js';
export { usePresence } from './use-presence.js';
