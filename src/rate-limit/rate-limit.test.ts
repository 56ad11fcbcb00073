/** Per-user limits on every inbound event, RATE_LIMITED with retryAfterMs, and the flood cut-off. */
import { describe, expect, it } from 'vitest';
import { emitAck, nextEvent } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('rate limits', () => {
  it('answers RATE_LIMITED with retryAfterMs over the default limit, per user across devices', async () => {
    const server = await startTestServer({ config: { rateLimits: { default: { points: 3, perSeconds: 60 } } } });
    const a = await server.connect('u1');
    const b = await server.connect('u1');
    const other = await server.connect('u2');
    for (let i = 0; i < 3; i++) expect((await emitAck(i % 2 ? a.socket : b.socket, 'ping')).ok).toBe(true);
    const limited = await emitAck<any>(a.socket, 'ping');
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });
    if (!limited.ok) expect(limited.error.details?.retryAfterMs).toBeGreaterThan(0);
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
  });

  it('an override per event replaces the default for that event', async () => {
    const server = await startTestServer({
      config: { rateLimits: { default: { points: 100, perSeconds: 1 }, echo: { points: 1, perSeconds: 60 } } },
    });
    const { socket } = await server.connect('u1');
    expect((await emitAck(socket, 'echo', 1)).ok).toBe(true);
    expect(await emitAck(socket, 'echo', 2)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  });

  it('disconnects a socket that keeps flooding after being told', async () => {
    const server = await startTestServer({ config: { rateLimits: { default: { points: 1, perSeconds: 60 } }, floodDisconnectAfter: 5 } });
    const { socket } = await server.connect('flood');
    const gone = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    const finalError = nextEvent<any>(socket, 'error');
    for (let i = 0; i < 10; i++) socket.emit('ping');
    expect((await finalError).code).toBe('RATE_LIMITED');
    expect(await gone).toBe('io server disconnect');
  });

  it('unknown events are charged against the default limit and count towards the flood cut-off', async () => {
    const server = await startTestServer({ config: { rateLimits: { default: { points: 2, perSeconds: 60 } }, floodDisconnectAfter: 3 } });
    const { socket } = await server.connect('prober');
    const bystander = await server.connect('bystander');
    for (let i = 0; i < 2; i++)
      expect(await emitAck(socket, `no-such-event-${i}`)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The budget is spent: a known event is refused too, and unknown ones keep striking.
    expect(await emitAck(socket, 'ping')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const gone = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    const raw = socket as unknown as { emit(event: string): void };
    raw.emit('no-such-event-2');
    raw.emit('no-such-event-3');
    expect(await gone).toBe('io server disconnect');
    expect((await emitAck(bystander.socket, 'ping')).ok).toBe(true);
  });

  it('an unknown event name is echoed back truncated, never whole', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('u1');
    const error = nextEvent<any>(socket, 'error');
    (socket as unknown as { emit(event: string): void }).emit('x'.repeat(100_000));
    const payload = await error;
    expect(payload.code).toBe('NOT_FOUND');
    expect(payload.event.length).toBeLessThanOrEqual(65);
    expect(payload.message.length).toBeLessThan(200);
  });

  it('with the defaults, a client subscribing to its channels right after connecting is not refused', async () => {
    const server = await startTestServer({ config: { channels: { news: { policy: 'public' } } } });
    const { socket } = await server.connect('starter');
    const subscribes = Array.from({ length: 30 }, (_, i) => emitAck(socket, 'subscribe', `news:${i}`));
    const pings = Array.from({ length: 5 }, () => emitAck(socket, 'ping'));
    for (const ack of await Promise.all([...subscribes, ...pings])) expect(ack).toMatchObject({ ok: true });
  });
});
