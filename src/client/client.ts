/**
 * `createClient`: the SDK's entry point, composing the connection with the channel
 * subscriptions, the inbox, chat and presence (PROTOCOL.md, "Client SDK").
 */
import type { ClientToServerEvents, ConnectedPayload } from '../protocol/index.js';
import { Chat } from './chat.js';
import { type ClientEvents, type ClientSocket, Connection } from './connection.js';
import type { SwitchboardError } from './errors.js';
import { Inbox } from './inbox.js';
import { PresenceWatch } from './presence.js';
import type { ChannelEvents, SubscribeOptions, Subscription } from './subscription.js';
import { SubscriptionRegistry } from './subscriptions.js';
import type { CallArgs, CallResult, ClientOptions, ConnectionState } from './types.js';

/** A Switchboard client: one connection with its subscriptions, inbox, chat and presence. */
export interface SwitchboardClient {
  /** See `ConnectionState`. */
  readonly state: ConnectionState;
  /** The first `connected` payload; rejects if the client is closed (or refused) before. */
  readonly ready: Promise<ConnectedPayload>;
  /** The latest `connected` payload. */
  readonly info: ConnectedPayload | undefined;
  /** Why the client is closed, when it was refused (AUTH_INVALID, …). */
  readonly error: SwitchboardError | undefined;
  /** The socket.io-client socket underneath, for events the SDK does not wrap. */
  readonly socket: ClientSocket;
  readonly inbox: Inbox;
  readonly chat: Chat;
  readonly presence: PresenceWatch;
  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void;
  off<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): void;
  /**
   * Subscribes to a channel; renewed after every reconnect from the last offset seen.
   * @example
   * const sub = sb.subscribe<{ 'trip:updated': Trip }>('trip:1', {
   *   since: saved, onPublication: (p) => { render(p.data); save(p.offset); }, onReset: refetch,
   * });
   */
  subscribe<M extends ChannelEvents = ChannelEvents>(channel: string, options: SubscribeOptions<M>): Subscription<M>;
  /**
   * Any client→server event with an ack, typed by the contract's event map.
   * @example const { timestamp } = await sb.call('ping');
   */
  call<E extends keyof ClientToServerEvents>(event: E, ...args: CallArgs<E>): Promise<CallResult<E>>;
  /** A request to the HTTP API with the client's token; resolves with the JSON body. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Connects again after `disconnect()` (or with `autoConnect: false`). */
  connect(): void;
  /** Goes offline without closing; subscriptions and queued sends resume on `connect()`. */
  disconnect(): void;
  /** Closes for good: state `closed`, pending work rejected with CLOSED. */
  close(): void;
}

/**
 * Creates a client and starts connecting.
 * @example
 * const sb = createClient({ url: 'http://localhost:3000', getToken: () => fetchToken() });
 * sb.on('state', (s) => console.log(s));
 * await sb.ready;
 */
export function createClient(options: ClientOptions): SwitchboardClient {
  const connection = new Connection({ ...options, autoConnect: false });
  // Parts hook in before the first connection, in this order: channels renew first
  // after a reconnect, then the inbox count, then chat's queued sends, then presence.
  const subscriptions = new SubscriptionRegistry(connection);
  const inbox = new Inbox(connection);
  const chat = new Chat(connection);
  const presence = new PresenceWatch(connection);
  if (options.autoConnect !== false) connection.connect();

  return {
    get state() {
      return connection.state;
    },
    ready: connection.ready,
    get info() {
      return connection.info;
    },
    get error() {
      return connection.closeReason;
    },
    socket: connection.socket,
    inbox,
    chat,
    presence,
    on: (event, listener) => connection.events.on(event, listener),
    off: (event, listener) => connection.events.off(event, listener),
    subscribe: (channel, subscribeOptions) => subscriptions.subscribe(channel, subscribeOptions),
    call: (event, ...args) => connection.call(event, ...args),
    api: (method, path, body) => connection.http(method, path, body),
    connect: () => connection.connect(),
    disconnect: () => connection.disconnect(),
    close: () => connection.close(),
  };
}
