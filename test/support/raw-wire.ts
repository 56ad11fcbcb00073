/**
 * Raw Engine.IO and WebSocket traffic for regression tests of published advisories:
 * HTTP requests written byte by byte, WebSocket upgrades and hand-made frames (masked,
 * as a client must), with no client library in between to tidy them up.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { onCleanup } from './cleanup.js';
import { waitFor } from './wait.js';

export interface RawAnswer {
  /** The status of the first HTTP answer, or undefined when the server closed without one. */
  status?: number;
  text: string;
}

/** Sends `request` (headers and body as written) and resolves with the first answer or the close. */
export function rawHttp(url: string, request: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : undefined, text });
    };
    socket.on('data', (data) => {
      text += data;
      if (text.includes('\r\n\r\n')) setImmediate(done);
    });
    socket.on('close', done);
    socket.on('error', () => {});
    socket.write(request);
  });
}

/** Opens an Engine.IO polling session and returns its sid. */
export async function openPollingSession(url: string): Promise<string> {
  const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
  return (JSON.parse((await res.text()).slice(1)) as { sid: string }).sid;
}

/** A WebSocket frame from a client (masked): opcode 1 text, 2 binary, 0 continuation, 8 close. */
export function clientFrame(opcode: number, payload: Buffer | string, options: { fin?: boolean; rsv?: number } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  const length = data.length < 126 ? Buffer.from([0x80 | data.length]) : Buffer.from([0x80 | 126, data.length >> 8, data.length & 0xff]);
  const mask = randomBytes(4);
  const masked = Buffer.from(data.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([first]), length, mask, masked]);
}

export interface RawWebSocket {
  socket: net.Socket;
  /** Resolves when the server closes the TCP connection. */
  closed: Promise<void>;
  /** Everything the server sent after the 101 answer. */
  received(): Buffer;
}

/** Upgrades `path` to a WebSocket by hand; resolves after the 101 answer. */
export function rawWebSocket(url: string, path: string, extraHeaders: string[] = []): Promise<RawWebSocket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    onCleanup(() => {
      socket.destroy();
    });
    let head = Buffer.alloc(0);
    let body = Buffer.alloc(0);
    let upgraded = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.on('data', (data) => {
      if (upgraded) {
        body = Buffer.concat([body, data]);
        return;
      }
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.subarray(0, 12).toString().includes('101'))
        return reject(new Error(`upgrade refused: ${head.toString().split('\r\n')[0]}`));
      upgraded = true;
      body = head.subarray(end + 4);
      resolve({ socket, closed, received: () => body });
    });
    socket.once('close', () => {
      if (!upgraded) reject(new Error(`closed before the upgrade: ${head.toString().split('\r\n')[0] ?? ''}`));
    });
    socket.write(
      [
        `GET ${path} HTTP/1.1`,
        'host: 127.0.0.1',
        'connection: Upgrade',
        'upgrade: websocket',
        'sec-websocket-version: 13',
        `sec-websocket-key: ${randomBytes(16).toString('base64')}`,
        ...extraHeaders,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** The frames a server sent (unmasked), as far as they are complete. */
export function serverFrames(data: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = (data[at] ?? 0) & 0x0f;
    let length = (data[at + 1] ?? 0) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = data.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (start + length > data.length) break;
    frames.push({ opcode, payload: data.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** Resolves when the server closed the WebSocket: a close frame, or the TCP connection. */
export async function serverClosed(raw: RawWebSocket, timeoutMs = 5000): Promise<void> {
  let tcpClosed = false;
  void raw.closed.then(() => {
    tcpClosed = true;
  });
  await waitFor(
    () => tcpClosed || serverFrames(raw.received()).some((frame) => frame.opcode === 8),
    timeoutMs,
    'the server to close the WebSocket',
  );
}
