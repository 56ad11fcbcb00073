/**
 * Issue 12, "Errors that are bugs" and "Reflection": deep JSON is VALIDATION_FAILED
 * over HTTP and sockets (never INTERNAL), and an `error` event never echoes unbounded
 * client input; unknown events are charged like known ones, up to the flood cut.
 */
import { describe, expect, it } from 'vitest';
import { collect, emitAck } from '../../test/support/client.js';
import { captureLogs } from '../../test/support/logs.js';
import { startTestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('maxJsonDepth over HTTP', () => {
  it('answers 400 VALIDATION_FAILED for 100,000 levels on /api/notify and /api/sessions, and serves a normal body', async () => {
    const server = await startTestServer();
    const deep = `{"userId":"u1","type":"t","title":"x","data":${nested(100_000)}}`;
    for (const [path, apiKey] of [
      ['/api/notify', true],
      ['/api/sessions', false],
    ] as const) {
      const res = await server.request('POST', path, { rawBody: deep, apiKey });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const atLimit = await server.request('POST', '/api/sessions', { rawBody: `{"metadata":{"a":${nested(30)}}}` });
    expect(atLimit.status).toBe(201);
    const over = await server.request('POST', '/api/sessions', { rawBody: `{"metadata":{"a":${nested(31)}}}` });
    expect(over.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { maxJsonDepth: 32 } });
  });

  it('keeps Fastify’s prototype-poisoning refusal', async () => {
    const server = await startTestServer();
    const res = await server.request('POST', '/api/sessions', { rawBody: '{"__proto__":{"admin":true}}' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('maxJsonDepth over sockets', () => {
  it('answers VALIDATION_FAILED to echo and message nested 100,000 levels; the socket goes on', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('deep');
    const answers: string[] = [];
    // Socket.IO packets written by hand (EVENT with ack ids 1 and 2; acks come back as `3<id>[…]`):
    // the client's own encoder would overflow its stack on such a payload.
    socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.startsWith('3')) answers.push(packet.data);
    });
    socket.io.engine.send(`21["echo",${nested(100_000)}]`);
    socket.io.engine.send(`22["message",${nested(100_000)}]`);
    await waitFor(() => answers.length === 2, 5000, 'both answers');
    for (const answer of answers) expect(answer).toContain('"code":"VALIDATION_FAILED"');
    expect(await emitAck(socket, 'echo', { a: [[1]] })).toMatchObject({ ok: true });
  });
});

describe('reflection', () => {
  it('echoes at most 64 characters of an unknown 900 KB event name, charges it, and cuts the flood once', async () => {
    const logs = captureLogs('warn');
    const server = await startTestServer({ logger: logs.logger });
    const { socket } = await server.connect('reflector');
    const errors = collect<{ code: string; message: string; event?: string }>(socket, 'error');
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    const name = 'n'.repeat(900_000);
    for (let i = 0; i < 40; i++) (socket as unknown as { emit(event: string): void }).emit(name);
    await disconnected;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.event?.length ?? 0).toBeLessThanOrEqual(65);
      expect(error.message.length).toBeLessThanOrEqual(200);
    }
    expect(errors.map((e) => e.code)).toContain('NOT_FOUND');
    expect(errors.map((e) => e.code)).toContain('RATE_LIMITED');
    expect(logs.lines.filter((line) => line.msg === 'disconnecting a socket that kept flooding')).toHaveLength(1);

    const other = await server.connect('bystander');
    expect((await emitAck(other.socket, 'ping')).ok).toBe(true);
  });
});
