/**
 * Payload shapes of the wire contract (PROTOCOL.md, "Shapes"). Server, tests and the
 * client SDK import these; zod schemas in the feature folders are checked against them.
 */
import type { WireError } from './error-codes.js';

/** Every acknowledgement is answered exactly once with one of these. */
export type Ack<T = unknown> = { ok: true; data?: T } | { ok: false; error: WireError };
export type AckCallback<T = unknown> = (response: Ack<T>) => void;

export type NotificationType = 'info' | 'success' | 'warning' | 'error';

export interface Notification {
  id: string;
  type: NotificationType;
  kind?: string;
  title: string;
  message: string;
  data?: unknown;
  read: boolean;
  timestamp: string;
}

export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  type: string;
  clientMessageId?: string;
  replyTo?: string;
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
}

export interface Conversation {
  id: string;
  kind: 'direct' | 'group';
  title?: string;
  memberIds: string[];
  createdAt: string;
  lastMessage?: Message;
  unreadCount?: number;
}

export interface Publication {
  channel: string;
  event: string;
  data: unknown;
  offset: number;
  timestamp: string;
}

/** Second argument of a publication delivered under its own event name. */
export interface PublicationMeta {
  channel: string;
  offset: number;
  timestamp: string;
}

export type UserStatus = 'online' | 'away' | 'busy' | 'offline';

export interface PresenceInfo {
  status: UserStatus;
  online: boolean;
  lastSeen: string | null;
  devices: number;
}
