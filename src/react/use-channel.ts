/** `useChannel`: a channel subscription for the component's lifetime. */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  type ChannelEvents,
  type ChannelPublication,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionState,
  SwitchboardError,
} from '../client/index.js';
import { useSwitchboard } from './provider.js';

/** What `useChannel` returns. */
export interface ChannelHandle<M extends ChannelEvents> {
  state: SubscriptionState;
  error: SwitchboardError | undefined;
  /** The subscription, while mounted (its `offset` is the last one handed over). */
  subscription: Subscription<M> | undefined;
  publish<K extends keyof M & string>(event: K, data: M[K]): Promise<{ offset: number | null }>;
}

/**
 * Subscribes while mounted (no channel: nothing); `onPublication` sees each
 * publication once, in offset order, across reconnects. The latest `onPublication`
 * and `onReset` are used without resubscribing.
 * @example
 * useChannel<{ 'trip:updated': Trip }>(`trip:${id}`, (p) => setTrip(p.data), { onReset: refetch });
 */
export function useChannel<M extends ChannelEvents = ChannelEvents>(
  channel: string | null | undefined,
  onPublication: (publication: ChannelPublication<M>) => void,
  options: Omit<SubscribeOptions<M>, 'onPublication' | 'onState'> = {},
): ChannelHandle<M> {
  const client = useSwitchboard();
  const handlers = useRef({ onPublication, onReset: options.onReset });
  handlers.current = { onPublication, onReset: options.onReset };
  const since = useRef(options.since);
  const [status, setStatus] = useState<{ state: SubscriptionState; error?: SwitchboardError }>({ state: 'subscribing' });
  const [subscription, setSubscription] = useState<Subscription<M>>();

  useEffect(() => {
    if (!channel) return;
    const sub = client.subscribe<M>(channel, {
      since: since.current,
      token: options.token,
      onPublication: (p) => handlers.current.onPublication(p),
      onReset: (info) => handlers.current.onReset?.(info),
      onState: (state, error) => setStatus({ state, error }),
    });
    setSubscription(sub);
    setStatus({ state: sub.state, error: sub.error });
    return () => {
      // A remount (a new channel, StrictMode) starts from where this one got to.
      since.current = sub.offset > 0 ? sub.offset : since.current;
      sub.unsubscribe();
      setSubscription(undefined);
    };
  }, [client, channel, options.token]);

  const publish = useCallback(
    <K extends keyof M & string>(event: K, data: M[K]) =>
      subscription ? subscription.publish(event, data) : Promise.reject(new SwitchboardError('CLOSED', 'Not subscribed')),
    [subscription],
  );
  return { state: status.state, error: status.error, subscription, publish };
}
