/** Real socket.io-client sockets and small promise helpers for tests. */
import { io } from 'socket.io-client';
import { onCleanup } from './cleanup.js';
/** A socket (not yet connected). Closed after the test. */
export function createClient(url, options = {}) {
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: options.transports ?? ['websocket'],
    auth: options.auth ?? (options.token ? { token: options.token } : {}),
    query: options.query,
    extraHeaders: options.extraHeaders,
    path: options.path,
    autoConnect: false,
  });
  onCleanup(() => {
    socket.disconnect();
  });
  return socket;
}
/** Connects and resolves with the `connected` payload. */
export async function connectClient(url, options = {}) {
  const socket = createClient(url, options);
  const connected = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for "connected"')), 5000);
    socket.once('connected', (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.connect();
  });
  return { socket, connected };
}
/** Resolves with the connect_error of a refused handshake. */
export async function expectRefused(url, options = {}) {
  const socket = createClient(url, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('expected connect_error')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connection was accepted'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
    socket.connect();
  });
}
/** The next occurrence of an event (any name, including publications). */
export function nextEvent(socket, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
    // biome-ignore lint/suspicious/noExplicitAny: tests listen to app-chosen names too
    socket.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
/** All arguments of the next occurrence of an event. */
export function nextEventArgs(socket, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
    // biome-ignore lint/suspicious/noExplicitAny: tests listen to app-chosen names too
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}
/** Collects every occurrence of an event until read. */
export function collect(socket, event) {
  const seen = [];
  // biome-ignore lint/suspicious/noExplicitAny: tests listen to app-chosen names too
  socket.on(event, (payload) => seen.push(payload));
  return seen;
}
/** Emits with an ack callback and resolves with the ack. */
export function emitAck(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}"`)), 5000);
    // biome-ignore lint/suspicious/noExplicitAny: the helper serves every event
    socket.emit(event, ...args, (response) => {
      clearTimeout(timer);
      resolve(response);
    });
  });
}
/** Resolves when nothing arrives for `event` within `ms` (absence checks). */
export async function expectNoEvent(socket, event, ms = 300) {
  let got;
  const listener = (payload) => {
    got = payload ?? true;
  };
  // biome-ignore lint/suspicious/noExplicitAny: tests listen to app-chosen names too
  socket.on(event, listener);
  await new Promise((r) => setTimeout(r, ms));
  // biome-ignore lint/suspicious/noExplicitAny: tests listen to app-chosen names too
  socket.off(event, listener);
  if (got !== undefined) throw new Error(`unexpected "${event}": ${JSON.stringify(got)}`);
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
//# sourceMappingURL=client.js.map
