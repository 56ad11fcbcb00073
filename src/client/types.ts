/**
 * Types of the SDK's public surface, derived from the one event map
 * (`src/protocol/events.ts`, `switchboard/protocol`): a payload that does not match
 * the contract is a compile error in the app's code.
 */
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { AckCallback, ClientToServerEvents, PresenceInfo } from '../protocol/index.js';
import type { BackoffOptions } from './backoff.js';

type Events = ClientToServerEvents;

/** The arguments of a client→server event, without its acknowledgement callback. */
export type CallArgs<E extends keyof Events> = Parameters<Events[E]> extends [...infer A, AckCallback<infer _T>?] ? A : never;

/** The `data` of a successful acknowledgement of a client→server event. */
export type CallResult<E extends keyof Events> = Parameters<Events[E]> extends [...CallArgs<E>, AckCallback<infer T>?] ? T : never;

/**
 * The connection's state: `connecting` while a (re)connection attempt runs,
 * `connected` once the server's `connected` event arrived, `disconnected` while
 * offline between attempts, `closed` for good (after `close()` or a refused token).
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Options of `createClient`. Any socket.io-client option passes through. */
export interface ClientOptions extends Partial<Omit<ManagerOptions & SocketOptions, 'auth'>> {
  /** The server, e.g. `http://localhost:3000`. */
  url: string;
  /** A fixed token (a JWT from your backend or a guest session token). */
  token?: string;
  /**
   * Fetches a token: called at start, on `auth:expiring` (the answer is sent as
   * `auth:refresh`, the connection stays up) and after an AUTH_EXPIRED refusal or
   * disconnect (then the client reconnects with the new token).
   */
  getToken?: () => string | Promise<string>;
  /** Base URL of the HTTP API (inbox lists, presence, conversations). @default url */
  apiUrl?: string;
  /**
   * How long a subscription waits for a missing offset (a publication still in flight
   * from another node) before it resubscribes with `since` to fetch it. @default 2000
   */
  gapTimeoutMs?: number;
  /** Backoff with jitter for resubscribes, queued sends and handshake refusals. */
  retry?: BackoffOptions;
  /** Confirm each incoming chat message with `message:delivered`. @default true */
  deliveryReceipts?: boolean;
}

/** Presence of a user as `presence.watch` reports it (`devices` is known from the HTTP answer only). */
export interface Presence extends Omit<PresenceInfo, 'devices'> {
  devices?: number;
}
