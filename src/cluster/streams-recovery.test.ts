/**
 * With `redis.adapter: streams` (@socket.io/redis-streams-adapter), Socket.IO's
 * connection-state recovery works across nodes: a session that dropped on node A
 * resumes on node B (as behind a load balancer) with its rooms and the packets it
 * missed, and the handshake (our authentication) still runs on the recovered
 * connection. (test/interop/python-client.test.ts runs python-socketio against it.)
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { emitAck, nextEvent, nextEventArgs, type TestSocket } from '../../test/support/client.js';
import { testCluster, waitUntil } from '../../test/support/cluster.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';
import type { StatusResponsePayload } from '../protocol/index.js';

const missing = (await redisUnavailable()) ?? (await postgresUnavailable());
const config = { ...CHANNELS_TEST_CONFIG, socket: { recoveryWindowMs: 60_000 } };

/** A socket without automatic reconnection (the test decides where it reconnects). */
function client(url: string, auth: Record<string, unknown>): TestSocket {
  const socket: TestSocket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth, autoConnect: false });
  onCleanup(() => {
    socket.disconnect();
  });
  return socket;
}

describe.skipIf(missing !== undefined)('the streams adapter', () => {
  // A channel without history: its publications are adapter room emits, which the
  // stream keeps. Channels with history are delivered by each node's sequencer
  // (channel-sequencer.ts) and recover exactly with `subscribe { since }` instead.
  it('recovers a session that dropped on node A on node B: rooms and missed publications, without subscribing again', async () => {
    const cluster = testCluster({ adapter: 'streams' });
    const a = await cluster.node(config);
    const b = await cluster.node(config);
    const token = await a.token('u1');
    const first = client(a.url, { token });
    const connected = nextEvent(first, 'connected');
    first.connect();
    await connected;
    await subscribeOk(first, 'live:1');
    const live = nextEventArgs(first, 'news:posted');
    await b.request('POST', '/api/publish', { apiKey: true, body: { channel: 'live:1', event: 'news:posted', data: { n: 1 } } });
    expect((await live)[0]).toEqual({ n: 1 });

    const { _pid: pid, _lastOffset: offset } = first as unknown as { _pid: string; _lastOffset: string };
    expect(pid).toEqual(expect.any(String));
    (first as any).io.engine.close(); // a network drop ("transport close"): node A keeps the session in Redis
    await waitUntil(async () => (await cluster.redis.exists(`${cluster.prefix}socket.io:session:${pid}`)) === 1, 'the session is stored');
    await b.request('POST', '/api/publish', { apiKey: true, body: { channel: 'live:1', event: 'news:posted', data: { n: 2 } } });

    // The client comes back through a load balancer that picks node B.
    const resumed = client(b.url, { token, pid, offset });
    const missed = nextEventArgs(resumed, 'news:posted');
    const reconnected = nextEvent(resumed, 'connected');
    resumed.connect();
    await reconnected;
    // Recovered by node B: the missed publication is replayed and the rooms are back.
    expect((await missed)[0]).toEqual({ n: 2 });
    const status = await emitAck<StatusResponsePayload>(resumed, 'status');
    expect(status.ok && status.data?.connection.rooms).toEqual(expect.arrayContaining(['user:u1', 'live:1']));
    // The handshake ran again: a recovered session with a bad token is refused.
    const forged = client(b.url, { token: 'not-a-token', pid, offset });
    const refused = new Promise<Error>((resolve) => forged.once('connect_error', resolve));
    forged.connect();
    expect(await refused).toMatchObject({ data: { code: expect.stringMatching(/^AUTH_/) } });
  });
});
