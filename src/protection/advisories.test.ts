/**
 * Regression packets for the published advisories of engine.io, socket.io-parser,
 * socket.io and ws (2020–2026), replayed on the wire against a real server (issue 12).
 * Each test names its advisory; each asserts what the fixed versions do (refuse, close
 * the one connection) and that the server goes on serving another client. A crash
 * would fail the test run itself: the server lives in this process.
 */
import { describe, expect, it } from 'vitest';
import { emitAck } from '../../test/support/client.js';
import { clientFrame, openPollingSession, rawHttp, rawWebSocket, serverClosed } from '../../test/support/raw-wire.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';

const EIO = '/socket.io/?EIO=4';

async function stillServes(server: TestServer): Promise<void> {
  const { socket } = await server.connect(`bystander-${Math.random()}`);
  expect((await emitAck(socket, 'ping')).ok).toBe(true);
  socket.disconnect();
}

/** A raw WebSocket with a connected Socket.IO session (CONNECT sent and answered). */
async function connectedRaw(server: TestServer) {
  const raw = await rawWebSocket(server.url, `${EIO}&transport=websocket`);
  raw.socket.write(clientFrame(1, `40${JSON.stringify({ token: await server.token('raw') })}`));
  await waitFor(() => raw.received().includes('40{"sid"'), 5000, 'the CONNECT answer');
  return raw;
}

const post = (path: string, contentType: string, body: Buffer | string) =>
  Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
    ),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);

describe('engine.io advisories', () => {
  it('GHSA-j4f2-536g-r55m (CVE-2020-36048): a polling POST over maxHttpBufferSize is refused', async () => {
    const server = await startTestServer({ config: { socket: { maxHttpBufferSize: 100_000 } } });
    const sid = await openPollingSession(server.url);
    const answer = await rawHttp(server.url, post(`${EIO}&transport=polling&sid=${sid}`, 'text/plain', `4${'a'.repeat(2_000_000)}`));
    expect(answer.status ?? 413).toBeGreaterThanOrEqual(400);
    await stillServes(server);
  });

  it('GHSA-273r-mgr4-v34f (CVE-2022-21676): a WebSocket frame with RSV2/RSV3 set closes only that connection', async () => {
    const server = await startTestServer();
    const raw = await rawWebSocket(server.url, `${EIO}&transport=websocket`);
    raw.socket.write(clientFrame(1, '4hello', { rsv: 0b011 }));
    await serverClosed(raw);
    await stillServes(server);
  });

  it('GHSA-r7qp-cfhv-p84w (CVE-2022-41940): invalid upgrades reset by the client do not crash the server', async () => {
    const server = await startTestServer();
    const { port } = new URL(server.url);
    const net = await import('node:net');
    for (let i = 0; i < 20; i++) {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      socket.write(`GET ${EIO}&transport=websocket&sid=nope HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n`);
      socket.resetAndDestroy();
    }
    await stillServes(server);
  });

  it('GHSA-q9mw-68c2-j6m5 (CVE-2023-31125): a repeated transport query parameter is answered, not a crash', async () => {
    const server = await startTestServer();
    const upgrade = await rawHttp(
      server.url,
      `GET ${EIO}&transport=websocket&transport=polling HTTP/1.1\r\nhost: x\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    // Engine.IO takes one of the values (101) or refuses (400); the fixed crash is a TypeError.
    expect([101, 400, undefined]).toContain(upgrade.status);
    const polling = await rawHttp(server.url, `GET ${EIO}&transport=polling&transport=websocket HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(polling.status).toBe(400);
    await stillServes(server);
  });

  it('GHSA-r635-g3xr-vw7x (CVE-2026-59725): an invalid binary polling POST is answered and closed', async () => {
    const server = await startTestServer();
    const sid = await openPollingSession(server.url);
    const answer = await rawHttp(
      server.url,
      post(`${EIO}&transport=polling&sid=${sid}`, 'application/octet-stream', Buffer.from([0xff, 0x00, 0x12])),
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    await stillServes(server);
  });

  it('GHSA-gr94-w7qr-f4j3 (CVE-2026-59724): a session id such as __proto__ is an unknown session', async () => {
    const server = await startTestServer();
    for (const sid of ['__proto__', 'constructor', 'hasOwnProperty']) {
      expect((await rawHttp(server.url, `GET ${EIO}&transport=polling&sid=${sid} HTTP/1.1\r\nhost: x\r\n\r\n`)).status).toBe(400);
    }
    await stillServes(server);
  });

  it('GHSA-2gc4-cqfq-p2gv (CVE-2026-102599): an upgrade with another protocol revision, then a heartbeat, does not crash', async () => {
    const server = await startTestServer();
    const sid = await openPollingSession(server.url);
    try {
      const raw = await rawWebSocket(server.url, `/socket.io/?transport=websocket&sid=${sid}`);
      raw.socket.write(clientFrame(1, '2probe'));
      raw.socket.write(clientFrame(1, '5'));
      raw.socket.write(clientFrame(1, '3'));
      raw.socket.write(clientFrame(1, '2'));
      raw.socket.destroy();
    } catch {
      // Refusing the mismatched upgrade outright is as good.
    }
    await stillServes(server);
  });
});

describe('socket.io-parser and socket.io advisories', () => {
  const refusedPackets: Array<[string, string]> = [
    ['GHSA-xfhh-g9f5-x4m4 (CVE-2020-36049): a huge attachment count', '459999999999-["echo",{"_placeholder":true,"num":0}]'],
    ['GHSA-qm95-pgcg-qqfq (CVE-2022-2421): a placeholder whose num is a method name', '451-["echo",{"_placeholder":true,"num":"splice"}]'],
    [
      'GHSA-677m-j7p3-52f9 (CVE-2026-33151): more binary attachments than the parser allows',
      `4511-["echo",${Array.from({ length: 11 }, (_, num) => JSON.stringify({ _placeholder: true, num })).join(',')}]`,
    ],
  ];
  for (const [name, packet] of refusedPackets) {
    it(`${name} closes that connection`, async () => {
      const server = await startTestServer();
      const raw = await connectedRaw(server);
      raw.socket.write(clientFrame(1, packet));
      raw.socket.write(clientFrame(2, Buffer.from('stellar')));
      await serverClosed(raw);
      await stillServes(server);
    });
  }

  it('GHSA-2m8v-j782-fhvr: a binary event that declares no attachments holds nothing', async () => {
    const server = await startTestServer();
    const raw = await connectedRaw(server);
    raw.socket.write(clientFrame(1, '450-["echo","a"]'));
    for (let i = 0; i < 50; i++) raw.socket.write(clientFrame(2, Buffer.alloc(10_000)));
    await stillServes(server);
    raw.socket.destroy();
  });

  it('GHSA-cqmj-92xf-r6r9 (CVE-2023-32695): an event whose name is an object with toString', async () => {
    const server = await startTestServer();
    const raw = await connectedRaw(server);
    raw.socket.write(clientFrame(1, '42[{"toString":"foo"}]'));
    raw.socket.write(clientFrame(1, '42[{"toString":"foo"},"x"]'));
    await stillServes(server);
    raw.socket.destroy();
  });

  it('GHSA-25hc-qcg6-38wj (CVE-2024-38355): a client event named "error" does not crash the server', async () => {
    const server = await startTestServer();
    const raw = await connectedRaw(server);
    raw.socket.write(clientFrame(1, '42["error","boom"]'));
    raw.socket.write(clientFrame(1, '421["error",{"a":1}]'));
    await stillServes(server);
    raw.socket.destroy();
  });
});

describe('ws advisories', () => {
  it('GHSA-6fc8-4gx4-v693 (CVE-2021-32640): a crafted Sec-WebSocket-Protocol header is answered', async () => {
    const server = await startTestServer();
    const raw = await rawWebSocket(server.url, `${EIO}&transport=websocket`, [`sec-websocket-protocol: b${' '.repeat(8000)}x`]).catch(
      () => undefined,
    );
    raw?.socket.destroy();
    await stillServes(server);
  });

  it('GHSA-3h5v-q93c-6h6q (CVE-2024-37890): an upgrade with more headers than maxHeadersCount is answered', async () => {
    const server = await startTestServer();
    const headers = Array.from({ length: 2_100 }, (_, i) => `x-h${i}: x`).join('\r\n');
    const answer = await rawHttp(
      server.url,
      `GET ${EIO}&transport=websocket HTTP/1.1\r\nhost: x\r\n${headers}\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    expect(answer.status === undefined || answer.status >= 101).toBe(true);
    await stillServes(server);
  });

  it('GHSA-96hv-2xvq-fx4p (CVE-2026-48779): a flood of tiny fragments is cut before it exhausts memory', async () => {
    const server = await startTestServer();
    const raw = await connectedRaw(server);
    raw.socket.write(clientFrame(1, '4', { fin: false }));
    const fragment = clientFrame(0, 'a', { fin: false });
    for (let i = 0; i < 100_000 && !raw.socket.destroyed; i++) {
      if (!raw.socket.write(fragment)) await new Promise((resolve) => raw.socket.once('drain', resolve));
    }
    await serverClosed(raw);
    await stillServes(server);
  });
});
