/**
 * Issue 12: "a 10 MB body to /api/notify with an API key gets no answer at all".
 * On the wire (not inject), with and without the key, with a length and chunked: every
 * body over the limit is answered 413 PAYLOAD_TOO_LARGE, and others are served meanwhile.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer, TEST_API_KEY } from '../../test/support/server.js';

const TEN_MB = 10_000_000;

/** Sends headers and up to 10 MB of body; resolves with the status line and body of the first answer. */
function postHuge(url: string, path: string, options: { apiKey: boolean; chunked: boolean }): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    let sent = 0;
    socket.on('data', (data) => {
      answer += data;
      const end = answer.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? Number.NaN);
      if (end < 0 || answer.length < end + 4 + length) return;
      socket.destroy();
      resolve({ status: Number(answer.split(' ')[1]), body: answer.slice(end + 4, end + 4 + length) });
    });
    socket.on('error', reject);
    socket.write(
      [
        `POST ${path} HTTP/1.1`,
        'host: 127.0.0.1',
        'content-type: application/json',
        ...(options.apiKey ? [`authorization: Bearer ${TEST_API_KEY}`] : []),
        options.chunked ? 'transfer-encoding: chunked' : `content-length: ${TEN_MB}`,
        '',
        '',
      ].join('\r\n'),
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (sent < TEN_MB && !socket.destroyed) {
        sent += chunk.length;
        const data = options.chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
        if (!socket.write(data)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

/**
 * The server answers 413 with `connection: close` and closes, while this client, which
 * does not wait for an answer before sending, may still be writing: the kernel can then
 * reset the connection before the answer is read (EPIPE / ECONNRESET on this side).
 * That is a prompt refusal too, so such a request is sent again (at most 3 times) until
 * the answer itself is read; a server that never answers still times the test out.
 */
async function postHugeUntilAnswered(url: string, path: string, options: { apiKey: boolean; chunked: boolean }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postHuge(url, path, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw err;
    }
  }
}

describe('HTTP body limit', () => {
  it('answers 413 PAYLOAD_TOO_LARGE to a 10 MB body, with or without an API key, and serves other requests', async () => {
    const server = await startTestServer();
    for (const path of ['/api/notify', '/api/sessions', '/api/publish']) {
      for (const apiKey of [true, false]) {
        for (const chunked of [false, true]) {
          const [answer, other] = await Promise.all([
            postHugeUntilAnswered(server.url, path, { apiKey, chunked }),
            fetch(`${server.url}/health`),
          ]);
          expect(answer.status, `${path} apiKey=${apiKey} chunked=${chunked}`).toBe(413);
          expect(JSON.parse(answer.body).error.code).toBe('PAYLOAD_TOO_LARGE');
          expect(other.status).toBe(200);
        }
      }
    }
  });
});
