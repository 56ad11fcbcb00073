/**
 * One channel subscription and its delivery engine: publications are handed to
 * `onPublication` once each and in offset order, whatever order (and however often)
 * they arrive in: live, in a subscribe ack's `missed`, or again after a reconnect.
 *
 * The engine keeps `offset` (the last offset handed over) and a buffer of
 * publications that arrived ahead of a missing offset. Offsets of a channel with
 * history are consecutive (PROTOCOL.md, "History"), so a hole means a publication is
 * still on its way (from another node) or was lost with a connection; after
 * `gapTimeoutMs` the subscription asks for it with `subscribe { since: offset }`.
 * Channels without history carry offset 0: best-effort, handed over as they come.
 */
import type { Ack, Publication, SubscribeResult } from '../protocol/index.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { isRetryable, retryAfterMs, SwitchboardError } from './errors.js';

/** `subscribing` until the server's ack (again after each reconnect), then `subscribed`; `failed` on a refusal that retrying cannot fix. */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed' | 'failed';

/** Event names of a channel and their `data` types, for typed publications. */
export type ChannelEvents = Record<string, unknown>;

/** A publication of a channel whose events are described by `M`. */
export type ChannelPublication<M extends ChannelEvents = ChannelEvents> = {
  [K in keyof M & string]: Omit<Publication, 'event' | 'data'> & { event: K; data: M[K] };
}[keyof M & string];

/** Options of `client.subscribe`. */
export interface SubscribeOptions<M extends ChannelEvents = ChannelEvents> {
  /** The last offset the app has already seen (saved from `sub.offset`); history after it is replayed first. */
  since?: number;
  /** A channel token, for namespaces with policy `token`. */
  token?: string;
  /** Each publication once, in offset order, across reconnects and restarts. */
  onPublication: (publication: ChannelPublication<M>) => void;
  onState?: (state: SubscriptionState, error?: SwitchboardError) => void;
  /**
   * History did not reach back to the last offset seen (`recovered: false`): refetch
   * the state this channel describes. Delivery goes on after `offset` (the channel's
   * newest when the subscription was renewed); what lies in between is not replayed.
   */
  onReset?: (info: { offset: number }) => void;
}

/** What `client.subscribe` returns. */
export interface Subscription<M extends ChannelEvents = ChannelEvents> {
  readonly channel: string;
  /** The last offset handed to `onPublication` (or the channel's newest at subscribe time). */
  readonly offset: number;
  readonly state: SubscriptionState;
  /** Why the subscription failed, or the last refusal it is retrying after. */
  readonly error: SwitchboardError | undefined;
  /** Publishes on the channel (namespaces with `clientPublish`); the publication is also handed to this subscription's `onPublication`, in order. */
  publish<K extends keyof M & string>(event: K, data: M[K]): Promise<{ offset: number | null }>;
  /** Leaves the channel (the socket leaves the room once no subscription of this client needs it). */
  unsubscribe(): void;
}

/** What a subscription needs from the registry that drives it. */
export interface SubscriptionHost {
  request(sub: ChannelSubscription): void;
  release(sub: ChannelSubscription): void;
  publish(channel: string, event: string, data: unknown): Promise<{ offset: number | null }>;
  readonly gapTimeoutMs: number;
  readonly retry: BackoffOptions | undefined;
}

/** The wire request of one (re)subscribe, matched to its answer by `generation`. */
export interface SubscribeRequest {
  generation: number;
  payload: { channel: string; since?: number; token?: string };
}

export class ChannelSubscription implements Subscription {
  offset: number;
  state: SubscriptionState = 'subscribing';
  error: SwitchboardError | undefined;

  /** False until the first ack (or a `since` from the app) gave a position. */
  private positioned: boolean;
  private readonly buffer = new Map<number, Publication>();
  private generation = 0;
  private inFlight = false;
  private attempts = 0;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly channel: string,
    private readonly options: SubscribeOptions,
    private readonly host: SubscriptionHost,
  ) {
    this.positioned = options.since !== undefined;
    this.offset = options.since ?? 0;
  }

  get active(): boolean {
    return this.state === 'subscribing' || this.state === 'subscribed';
  }

  publish(event: string, data: unknown): Promise<{ offset: number | null }> {
    return this.host.publish(this.channel, event, data);
  }

  unsubscribe(): void {
    if (!this.active) return;
    this.stop();
    this.setState('unsubscribed');
    this.host.release(this);
  }

  /** Starts a wire request unless one is already out. */
  beginRequest(): SubscribeRequest | undefined {
    if (!this.active || this.inFlight) return undefined;
    this.inFlight = true;
    clearTimeout(this.retryTimer);
    const payload: SubscribeRequest['payload'] = { channel: this.channel };
    if (this.positioned) payload.since = this.offset;
    if (this.options.token) payload.token = this.options.token;
    return { generation: ++this.generation, payload };
  }

  /** The server's answer to a request; stale answers (from before a reconnect) are ignored. */
  answer(request: SubscribeRequest, ack: Ack<SubscribeResult>): void {
    if (request.generation !== this.generation || !this.active) return;
    this.inFlight = false;
    if (!ack.ok) {
      this.refused(SwitchboardError.from(ack.error));
      return;
    }
    const { offset: head, recovered, missed } = ack.data as SubscribeResult;
    const since = request.payload.since;
    this.attempts = 0;
    this.error = undefined;
    // `since: 0` on a channel without history answers `recovered: false, offset: 0`:
    // nothing was lost there, so that is no reset.
    const reset = since !== undefined && !recovered && !(since === 0 && head === 0);
    if (since === undefined || reset) {
      this.positioned = true;
      this.offset = head;
    } else {
      for (const publication of missed) this.accept(publication);
    }
    if (reset) this.options.onReset?.({ offset: head });
    this.setState('subscribed');
    this.drain();
  }

  /** A live publication, one from another subscription's `missed`, or this client's own. */
  receive(publication: Publication): void {
    if (!this.active) return;
    if (publication.offset === 0) {
      this.deliver(publication);
      return;
    }
    this.accept(publication);
    if (this.state === 'subscribed') this.drain();
  }

  /** The connection dropped: back to `subscribing`; the registry renews it on reconnect. */
  connectionLost(): void {
    if (!this.active) return;
    this.generation++;
    this.inFlight = false;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    clearTimeout(this.retryTimer);
    this.setState('subscribing');
  }

  /** Fails for good (the client was closed before it subscribed). */
  fail(error: SwitchboardError): void {
    if (!this.active) return;
    this.error = error;
    this.stop();
    this.setState('failed', error);
  }

  /** The client closed. */
  closed(): void {
    if (!this.active) return;
    this.stop();
    this.setState('unsubscribed');
  }

  private accept(publication: Publication): void {
    if (this.positioned && publication.offset <= this.offset) return;
    this.buffer.set(publication.offset, publication);
  }

  private drain(): void {
    for (;;) {
      const next = this.buffer.get(this.offset + 1);
      if (!next) break;
      this.buffer.delete(next.offset);
      this.offset = next.offset;
      this.deliver(next);
      if (!this.active) return;
    }
    for (const offset of this.buffer.keys()) if (offset <= this.offset) this.buffer.delete(offset);
    if (this.buffer.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else {
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = undefined;
        if (this.buffer.size > 0 && this.state === 'subscribed') this.host.request(this);
      }, this.host.gapTimeoutMs);
    }
  }

  private deliver(publication: Publication): void {
    try {
      this.options.onPublication(publication as ChannelPublication);
    } catch (error) {
      // The app's handler failed on this publication; the stream goes on.
      setTimeout(() => {
        throw error;
      });
    }
  }

  private refused(error: SwitchboardError): void {
    this.error = error;
    if (isRetryable(error) || error.code === 'INTERNAL') {
      const delay = Math.max(retryAfterMs(error) ?? 0, backoffDelay(this.attempts++, this.host.retry));
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.host.request(this), delay);
      this.options.onState?.(this.state, error);
      return;
    }
    this.stop();
    this.setState('failed', error);
    this.host.release(this);
  }

  private stop(): void {
    this.generation++;
    this.inFlight = false;
    clearTimeout(this.gapTimer);
    clearTimeout(this.retryTimer);
    this.gapTimer = undefined;
    this.buffer.clear();
  }

  private setState(state: SubscriptionState, error?: SwitchboardError): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState?.(state, error);
  }
}
