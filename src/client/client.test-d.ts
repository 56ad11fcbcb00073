/**
 * Type tests of the SDK: payloads and results come from the contract's event map, so
 * a payload that does not match is a compile error in the app's code.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ConnectedPayload, Message, Notification, SubscribeResult } from '../protocol/index.js';
import type { ChannelPublication, ConnectionState, Subscription, SwitchboardClient, SwitchboardError } from './index.js';

const sb = {} as SwitchboardClient;

describe('client SDK types', () => {
  it('call() takes each event’s payload and resolves with its ack data', () => {
    expectTypeOf(sb.call('ping')).resolves.toEqualTypeOf<{ timestamp: string }>();
    expectTypeOf(sb.call('subscribe', 'trip:1')).resolves.toEqualTypeOf<SubscribeResult>();
    expectTypeOf(sb.call('message:send', { conversationId: 'c1', content: 'hi' })).resolves.toEqualTypeOf<{ message: Message }>();
    sb.call('echo');
    sb.call('echo', { anything: [1] });
    sb.call('user:status', 'away');
    // @ts-expect-error: message:send needs content
    sb.call('message:send', { conversationId: 'c1' });
    // @ts-expect-error: content is a string
    sb.call('message:send', { conversationId: 'c1', content: 42 });
    // @ts-expect-error: not a status of the contract
    sb.call('user:status', 'sleeping');
    // @ts-expect-error: not an event of the contract
    sb.call('no-such-event', {});
    // @ts-expect-error: notification:read takes an object
    sb.call('notification:read', 'n1');
    // @ts-expect-error: ping takes no payload
    sb.call('ping', { extra: true });
  });

  it('chat, inbox and the client’s own events are typed', () => {
    expectTypeOf(sb.chat.send({ conversationId: 'c1', content: 'hi' })).resolves.toEqualTypeOf<Message>();
    sb.chat.send({ receiverId: '7', content: 'hi', replyTo: 'm1' });
    // @ts-expect-error: content is required
    sb.chat.send({ conversationId: 'c1' });
    // @ts-expect-error: not a field of message:send
    sb.chat.send({ conversationId: 'c1', content: 'hi', colour: 'red' });
    sb.chat.on('message', (m) => expectTypeOf(m).toEqualTypeOf<Message>());
    sb.chat.on('typing', (e) => expectTypeOf(e.typing).toBeBoolean());
    // @ts-expect-error: not a chat event
    sb.chat.on('nope', () => {});
    expectTypeOf(sb.inbox.unreadCount).toBeNumber();
    expectTypeOf(sb.inbox.notifications).toEqualTypeOf<Notification[]>();
    // @ts-expect-error: unread is a boolean
    sb.inbox.list({ unread: 'yes' });
    sb.on('state', (s) => expectTypeOf(s).toEqualTypeOf<ConnectionState>());
    sb.on('error', (e) => expectTypeOf(e).toEqualTypeOf<SwitchboardError>());
    expectTypeOf(sb.ready).resolves.toEqualTypeOf<ConnectedPayload>();
    // @ts-expect-error: not a client event
    sb.on('connect', () => {});
  });

  it('channel publications and publishes are typed by the channel’s event map', () => {
    type TripEvents = { 'trip:updated': { name: string }; 'trip:deleted': { id: string } };
    const sub = sb.subscribe<TripEvents>('trip:1', {
      since: 3,
      onPublication: (p) => {
        expectTypeOf(p).toEqualTypeOf<ChannelPublication<TripEvents>>();
        if (p.event === 'trip:updated') expectTypeOf(p.data).toEqualTypeOf<{ name: string }>();
        else expectTypeOf(p.data).toEqualTypeOf<{ id: string }>();
        expectTypeOf(p.offset).toBeNumber();
      },
      onReset: ({ offset }) => expectTypeOf(offset).toBeNumber(),
    });
    expectTypeOf(sub).toEqualTypeOf<Subscription<TripEvents>>();
    sub.publish('trip:updated', { name: 'Lisbon' });
    // @ts-expect-error: the data of trip:updated has a string name
    sub.publish('trip:updated', { name: 1 });
    // @ts-expect-error: not an event of this channel
    sub.publish('trip:moved', {});
    // Untyped channels take any event and data.
    sb.subscribe('news:1', { onPublication: (p) => expectTypeOf(p.data).toBeUnknown() }).publish('anything', 1);
    // @ts-expect-error: onPublication is required
    sb.subscribe('news:1', {});
  });
});
