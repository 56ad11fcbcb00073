/**
 * All channel subscriptions of a client: routes incoming publications (any event
 * whose second argument is a publication meta `{ channel, offset, timestamp }`) to
 * the subscriptions of that channel, and renews every subscription after each
 * reconnect with `since` = its offset.
 *
 * Requests made in the same tick go out together as one `subscribe:batch` (one
 * round trip and one rate-limit point for a reconnect with many channels); servers
 * without that event get one `subscribe` each. Several subscriptions of one channel
 * share the socket's room: each keeps its own offset, and the room is left when the
 * last one goes.
 */
import type { Ack, Publication, PublicationMeta, SubscribeResult } from '../protocol/index.js';
import type { Connection } from './connection.js';
import { SwitchboardError } from './errors.js';
import {
  type ChannelEvents,
  ChannelSubscription,
  type SubscribeOptions,
  type SubscribeRequest,
  type Subscription,
} from './subscription.js';

/** Subscriptions per `subscribe:batch` (the server's limit). */
const MAX_BATCH = 100;

interface Pending {
  sub: ChannelSubscription;
  request: SubscribeRequest;
}

function isMeta(value: unknown): value is PublicationMeta {
  const meta = value as PublicationMeta | undefined;
  return typeof meta === 'object' && meta !== null && typeof meta.channel === 'string' && typeof meta.offset === 'number';
}

export class SubscriptionRegistry {
  readonly gapTimeoutMs: number;
  private readonly byChannel = new Map<string, Set<ChannelSubscription>>();
  private readonly queue = new Set<ChannelSubscription>();
  private flushScheduled = false;
  private batchSupported = true;

  constructor(private readonly connection: Connection) {
    this.gapTimeoutMs = connection.options.gapTimeoutMs ?? 2000;
    connection.socket.onAny((event: string, ...args: unknown[]) => this.onEvent(event, args));
    connection.hook({
      connected: () => {
        for (const subs of this.byChannel.values()) for (const sub of subs) this.request(sub);
      },
      disconnected: () => {
        for (const subs of this.byChannel.values()) for (const sub of subs) sub.connectionLost();
      },
      closed: () => {
        for (const subs of this.byChannel.values()) for (const sub of subs) sub.closed();
        this.byChannel.clear();
      },
    });
  }

  get retry() {
    return this.connection.options.retry;
  }

  subscribe<M extends ChannelEvents>(channel: string, options: SubscribeOptions<M>): Subscription<M> {
    const sub = new ChannelSubscription(channel, options as SubscribeOptions, this);
    if (this.connection.state === 'closed') {
      sub.fail(new SwitchboardError('CLOSED', 'The client is closed'));
      return sub as unknown as Subscription<M>;
    }
    let subs = this.byChannel.get(channel);
    if (!subs) {
      subs = new Set();
      this.byChannel.set(channel, subs);
    }
    subs.add(sub);
    this.request(sub);
    return sub as unknown as Subscription<M>;
  }

  /** Queues a (re)subscribe for the next microtask, where it is batched with the others. */
  request(sub: ChannelSubscription): void {
    this.queue.add(sub);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  release(sub: ChannelSubscription): void {
    const subs = this.byChannel.get(sub.channel);
    if (!subs?.delete(sub)) return;
    if (subs.size > 0) return;
    this.byChannel.delete(sub.channel);
    this.connection.emitRaw('unsubscribe', [sub.channel], () => {});
  }

  async publish(channel: string, event: string, data: unknown): Promise<{ offset: number | null }> {
    const result = await this.connection.call('publish', { channel, event, data });
    // The server does not echo a publication to the socket that made it (the ack
    // confirms it); the subscriptions still see it, in its place in the order, as the
    // others get it (JSON) and stamped by this clock (the ack carries no time).
    if (result.offset) {
      const copy = JSON.parse(JSON.stringify(data ?? null));
      this.dispatch({ channel, event, data: copy, offset: result.offset, timestamp: new Date().toISOString() });
    }
    return { offset: result.offset };
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending: Pending[] = [];
    if (this.connection.connected) {
      for (const sub of this.queue) {
        const request = sub.beginRequest();
        if (request) pending.push({ sub, request });
      }
    }
    // Offline, the queue is dropped: `connected` renews every subscription.
    this.queue.clear();
    if (pending.length === 1 || (!this.batchSupported && pending.length > 0)) {
      for (const item of pending) this.sendOne(item);
      return;
    }
    for (let start = 0; start < pending.length; start += MAX_BATCH) this.sendBatch(pending.slice(start, start + MAX_BATCH));
  }

  private sendOne(item: Pending): void {
    if (!this.connection.emitRaw('subscribe', [item.request.payload], (ack) => this.answer(item, ack as Ack<SubscribeResult>))) {
      this.answer(item, { ok: false, error: { code: 'UNAVAILABLE', message: 'Not connected' } });
    }
  }

  private sendBatch(items: Pending[]): void {
    const payload = { subscriptions: items.map((item) => item.request.payload) };
    const sent = this.connection.emitRaw('subscribe:batch', [payload], (response) => {
      const ack = response as Ack<{ results: Ack<SubscribeResult>[] }>;
      if (!ack.ok && ack.error.code === 'NOT_FOUND') {
        // A server without subscribe:batch (it answers unknown events with NOT_FOUND).
        this.batchSupported = false;
        for (const item of items) this.sendOne(item);
        return;
      }
      items.forEach((item, i) => {
        this.answer(item, ack.ok ? (ack.data?.results[i] ?? { ok: false, error: { code: 'INTERNAL', message: 'No result' } }) : ack);
      });
    });
    if (!sent) for (const item of items) this.answer(item, { ok: false, error: { code: 'UNAVAILABLE', message: 'Not connected' } });
  }

  private answer({ sub, request }: Pending, ack: Ack<SubscribeResult>): void {
    if (ack.ok && ack.data) {
      // What the server replayed to one subscription is part of the channel's stream
      // for the others too (the server left this socket out of the live broadcast
      // while it recovered).
      for (const other of this.byChannel.get(sub.channel) ?? []) {
        if (other !== sub) for (const publication of ack.data.missed) other.receive(publication);
      }
    }
    sub.answer(request, ack);
    // Unsubscribed while the request was out: the server joined the room anyway.
    if (ack.ok && !this.byChannel.has(sub.channel)) this.connection.emitRaw('unsubscribe', [sub.channel], () => {});
  }

  private onEvent(event: string, args: unknown[]): void {
    const meta = args[1];
    if (!isMeta(meta)) return;
    this.dispatch({ channel: meta.channel, event, data: args[0], offset: meta.offset, timestamp: meta.timestamp });
  }

  private dispatch(publication: Publication): void {
    const subs = this.byChannel.get(publication.channel);
    if (!subs) return;
    for (const sub of [...subs]) sub.receive(publication);
  }
}
