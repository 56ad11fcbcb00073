/** close(): in-flight acks are answered before transports close; the host's server stays open. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { signToken } from '../../src/auth/sign-token.js';
import { BUILTIN_FEATURES, createSwitchboard, defineEvent, defineFeature } from '../../src/index.js';
import { onCleanup } from '../support/cleanup.js';
import { connectClient, emitAck, expectRefused } from '../support/client.js';
import { TEST_SECRET } from '../support/server.js';

declare module '../../src/protocol/events.js' {
  interface ClientEventMap {
    /** A test event whose ack waits until the test releases it. */
    slow: { payload: unknown; ack: { done: boolean } };
  }
}

describe('library close()', () => {
  it('answers in-flight acks, then closes transports and refuses new handshakes', async () => {
    let release: () => void = () => {};
    const slow = defineFeature({
      name: 'slow',
      setup: () => ({
        events: [defineEvent('slow', { schema: z.unknown(), handler: () => new Promise((r) => (release = () => r({ done: true }))) })],
      }),
    });
    const server = createServer();
    const sb = await createSwitchboard(
      { server, config: { auth: { jwtSecret: TEST_SECRET }, database: { url: 'sqlite::memory:' }, log: { level: 'silent' } } },
      [...BUILTIN_FEATURES, slow],
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onCleanup(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = await signToken({ secret: TEST_SECRET, sub: 'u' });
    const { socket } = await connectClient(url, { token });

    const pendingAck = emitAck(socket, 'slow');
    // The slow handler is in flight once the lifecycle tracks it.
    await vi.waitFor(() => expect(sb.context.lifecycle.pending).toBeGreaterThan(0));
    // close() refuses new handshakes at once, then waits for the ack.
    const closing = sb.close();
    expect((await expectRefused(url, { token, transports: ['polling'] })).data?.code).toBe('UNAVAILABLE');
    release();
    expect(await pendingAck).toEqual({ ok: true, data: { done: true } });
    await closing;
    expect(server.listening).toBe(true);
  });
});
