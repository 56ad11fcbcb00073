/**
 * The connection: one socket.io-client socket, the state machine, the token, the
 * typed `call()` and the HTTP helper. The feature parts (subscriptions, inbox, chat,
 * presence) hook into its `connected` / `disconnected` / `closed` notices.
 *
 * socket.io-client reconnects by itself after a network loss, but not after the
 * server refused the handshake or disconnected the socket: those cases are handled
 * here, with backoff and jitter, and with a fresh token after AUTH_EXPIRED.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ConnectedPayload, ServerToClientEvents, WireError } from '../protocol/index.js';
import { backoffDelay } from './backoff.js';
import { retryAfterMs, SwitchboardError } from './errors.js';
import { Listeners } from './listeners.js';
import type { CallArgs, CallResult, ClientOptions, ConnectionState } from './types.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Handshake refusals that a retry with the same credentials cannot fix. */
const FATAL_HANDSHAKE = new Set(['AUTH_INVALID', 'AUTH_REQUIRED', 'FORBIDDEN']);

/** Events of the client object. */
export interface ClientEvents {
  /** Every state change. */
  state: (state: ConnectionState) => void;
  /** Each `connected` payload: at start and after every reconnect. */
  connected: (info: ConnectedPayload) => void;
  /** Errors nobody awaits: `error` events of the server, refused handshakes, failed token refreshes. */
  error: (error: SwitchboardError) => void;
}

/** Internal notices for the SDK's parts, in registration order. */
interface Hooks {
  connected(info: ConnectedPayload): void;
  disconnected(): void;
  closed(error: SwitchboardError): void;
}

interface PendingCall {
  send(): void;
  reject(error: SwitchboardError): void;
}

export class Connection {
  readonly socket: ClientSocket;
  readonly events = new Listeners<ClientEvents>();
  readonly ready: Promise<ConnectedPayload>;
  state: ConnectionState;
  /** The last `connected` payload. */
  info: ConnectedPayload | undefined;
  /** Why the client is closed, when the server refused it. */
  closeReason: SwitchboardError | undefined;

  private token: string | undefined;
  private tokenPromise: Promise<string | undefined> | undefined;
  private readonly hooks: Partial<Hooks>[] = [];
  private readonly waiting: PendingCall[] = [];
  private readonly inflight = new Set<PendingCall>();
  private lastServerError: SwitchboardError | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private resolveReady!: (info: ConnectedPayload) => void;
  private rejectReady!: (error: SwitchboardError) => void;

  constructor(readonly options: ClientOptions) {
    const { url, token, getToken, apiUrl, gapTimeoutMs, retry, deliveryReceipts, autoConnect, ...socketOptions } = options;
    this.token = token;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // An app that never awaits `ready` must not get an unhandled rejection for it.
    this.ready.catch(() => {});
    this.socket = io(url, {
      // Each client is its own connection (two clients of one URL are two devices).
      forceNew: true,
      ...socketOptions,
      autoConnect: false,
      auth: (cb) => cb(this.token ? { token: this.token } : {}),
    });
    this.state = autoConnect === false ? 'disconnected' : 'connecting';
    this.wire();
    if (autoConnect !== false) this.connect();
  }

  /** Registers a part's hooks. */
  hook(hooks: Partial<Hooks>): void {
    this.hooks.push(hooks);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Starts (or restarts, after `disconnect()`) connecting. */
  connect(): void {
    if (this.state === 'closed' || this.socket.connected) return;
    this.setState('connecting');
    void this.openWithToken(this.token === undefined && this.options.getToken !== undefined);
  }

  /** The current token, fetched first when none is known yet. */
  async currentToken(): Promise<string | undefined> {
    if (this.token === undefined && this.options.getToken) await this.refreshToken();
    return this.token;
  }

  /** Calls `getToken` (one call at a time) and keeps its answer. */
  refreshToken(): Promise<string | undefined> {
    const getToken = this.options.getToken;
    if (!getToken) return Promise.resolve(this.token);
    this.tokenPromise ??= (async () => {
      try {
        this.token = await getToken();
        return this.token;
      } finally {
        this.tokenPromise = undefined;
      }
    })();
    return this.tokenPromise;
  }

  /**
   * Emits a client→server event and resolves with its ack's `data`. Waits while the
   * client is (re)connecting; rejects with DISCONNECTED when the connection drops
   * before the answer, CLOSED after `close()`.
   */
  call<E extends keyof ClientToServerEvents>(event: E, ...args: CallArgs<E>): Promise<CallResult<E>> {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') {
        reject(this.closedError());
        return;
      }
      const pending: PendingCall = {
        reject,
        send: () => {
          this.inflight.add(pending);
          this.emitRaw(event, args, (ack) => {
            if (!this.inflight.delete(pending)) return;
            if (ack.ok) resolve(ack.data as CallResult<E>);
            else reject(SwitchboardError.from(ack.error));
          });
        },
      };
      if (this.connected) pending.send();
      else this.waiting.push(pending);
    });
  }

  /**
   * Emits at once with an ack callback; only while connected (socket.io-client would
   * otherwise buffer the packet and send it on reconnect, out of the SDK's control).
   */
  emitRaw(event: string, args: readonly unknown[], ack?: (response: Ack) => void): boolean {
    if (!this.connected) return false;
    // biome-ignore lint/suspicious/noExplicitAny: the typed surface is call(); this is its untyped core
    (this.socket.emit as any)(event, ...args, ...(ack ? [ack] : []));
    return true;
  }

  /** A JSON request to the HTTP API with the current token; rejects with the body's error. */
  async http<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = await this.currentToken();
    const base = (this.options.apiUrl ?? this.options.url).replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new SwitchboardError('UNAVAILABLE', `${method} ${path}: ${(error as Error).message}`);
    }
    let json: { ok?: boolean; error?: WireError } & T;
    try {
      json = (await response.json()) as typeof json;
    } catch {
      throw new SwitchboardError(response.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL', `${method} ${path}: HTTP ${response.status}`);
    }
    if (json.ok) return json;
    const error = SwitchboardError.from(json.error, response.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL');
    if (error.code === 'AUTH_EXPIRED' && this.options.getToken && !retried) {
      await this.refreshToken();
      return this.http(method, path, body, true);
    }
    throw error;
  }

  /** Stops for good: state `closed`, pending calls rejected with CLOSED (or the refusal). */
  close(reason?: SwitchboardError): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    clearTimeout(this.reconnectTimer);
    const error = this.closedError();
    for (const pending of [...this.waiting, ...this.inflight]) pending.reject(error);
    this.waiting.length = 0;
    this.inflight.clear();
    // Closed before the socket goes, so its `disconnect` is not taken for a network loss.
    this.setState('closed');
    this.socket.disconnect();
    this.rejectReady(error);
    for (const hooks of this.hooks) hooks.closed?.(error);
  }

  /** Drops the connection but keeps the client usable (`connect()` resumes). */
  disconnect(): void {
    if (this.state === 'closed') return;
    clearTimeout(this.reconnectTimer);
    this.socket.disconnect();
    this.setState('disconnected');
  }

  private closedError(): SwitchboardError {
    return this.closeReason ?? new SwitchboardError('CLOSED', 'The client is closed');
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.emit('state', state);
  }

  private wire(): void {
    const socket = this.socket;
    socket.on('connected', (info) => this.onConnected(info));
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    socket.on('connect_error', (err) => this.onConnectError(err as Error & { data?: WireError }));
    socket.io.on('reconnect_attempt', () => {
      if (this.state !== 'closed') this.setState('connecting');
    });
    socket.on('error', (payload) => {
      const error = SwitchboardError.from(payload);
      this.lastServerError = error;
      this.events.emit('error', error);
    });
    socket.on('auth:expiring', () => {
      if (this.options.getToken) void this.refreshLive();
    });
  }

  /** `auth:expiring`: a new token from `getToken`, sent as `auth:refresh`; the connection stays up. */
  private async refreshLive(): Promise<void> {
    try {
      const token = await this.refreshToken();
      if (token) await this.call('auth:refresh', { token });
    } catch (error) {
      // Without a refresh the server disconnects with AUTH_EXPIRED: handled there.
      this.events.emit('error', error instanceof SwitchboardError ? error : new SwitchboardError('AUTH_EXPIRED', String(error)));
    }
  }

  private onConnected(info: ConnectedPayload): void {
    if (this.state === 'closed') return;
    this.info = info;
    this.attempts = 0;
    this.lastServerError = undefined;
    this.setState('connected');
    this.resolveReady(info);
    for (const hooks of this.hooks) hooks.connected?.(info);
    const waiting = this.waiting.splice(0);
    for (const pending of waiting) pending.send();
    this.events.emit('connected', info);
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    const lost = new SwitchboardError('DISCONNECTED', `Disconnected (${reason}) before the answer`);
    for (const pending of this.inflight) pending.reject(lost);
    this.inflight.clear();
    if (this.state === 'closed') return;
    this.setState('disconnected');
    for (const hooks of this.hooks) hooks.disconnected?.();
    // socket.io-client comes back by itself after a network loss, not after the
    // server disconnected the socket (expired credentials, a kick, flooding).
    if (reason === 'io server disconnect') this.scheduleReconnect(this.lastServerError?.code === 'AUTH_EXPIRED');
  }

  private onConnectError(err: Error & { data?: WireError }): void {
    if (this.state === 'closed') return;
    const code = err.data?.code;
    if (!code) {
      // A network-level failure: socket.io-client's own reconnection retries it.
      this.setState('disconnected');
      return;
    }
    const error = SwitchboardError.from(err.data);
    this.events.emit('error', error);
    if (FATAL_HANDSHAKE.has(code) || (code === 'AUTH_EXPIRED' && !this.options.getToken)) {
      this.close(error);
      return;
    }
    this.scheduleReconnect(code === 'AUTH_EXPIRED', retryAfterMs(error));
  }

  private scheduleReconnect(withNewToken: boolean, atLeastMs = 0): void {
    clearTimeout(this.reconnectTimer);
    this.setState('disconnected');
    const delay = Math.max(atLeastMs, backoffDelay(this.attempts++, this.options.retry));
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'closed') return;
      this.setState('connecting');
      void this.openWithToken(withNewToken);
    }, delay);
  }

  private async openWithToken(withNewToken: boolean): Promise<void> {
    if (withNewToken) {
      try {
        await this.refreshToken();
      } catch (error) {
        this.events.emit('error', new SwitchboardError('AUTH_REQUIRED', `getToken failed: ${(error as Error).message}`));
        this.scheduleReconnect(true);
        return;
      }
    }
    if (this.state !== 'closed') this.socket.connect();
  }
}
