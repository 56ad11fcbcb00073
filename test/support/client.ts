/** Real socket.io-client sockets and small promise helpers for tests. */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ConnectedPayload, ServerToClientEvents } from '../../src/protocol/index.js';
import { onCleanup } from './cleanup.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  token?: string;
  transports?: Array<'websocket' | 'polling'>;
  query?: Record<string, string>;
  extraHeaders?: Record<string, string>;
  auth?: Record<string, unknown>;
  path?: string;
}

/** A socket (not yet connected). Closed after the test. */
export function createClient(url: string, options: ConnectOptions = {}): TestSocket {
  const socket: TestSocket = io(url, {
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
export async function connectClient(
  url: string,
  options: ConnectOptions = {},
): Promise<{ socket: TestSocket; connected: ConnectedPayload }> {
  const socket = createClient(url, options);
  const connected = await new Promise<ConnectedPayload>((resolve, reject) => {
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
export async function expectRefused(
  url: string,
  options: ConnectOptions = {},
): Promise<Error & { data?: { code: string; message: string } }> {
  const socket = createClient(url, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('expected connect_error')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connection was accepted'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err as Error & { data?: { code: string; message: string } });
    });
    socket.connect();
  });
}

/** The next occurrence of an event (any name, including publications). */
export function nextEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
    (socket as any).once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** All arguments of the next occurrence of an event. */
export function nextEventArgs(socket: TestSocket, event: string, timeoutMs = 5000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), timeoutMs);
    (socket as any).once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Collects every occurrence of an event until read. */
export function collect<T = unknown>(socket: TestSocket, event: string): T[] {
  const seen: T[] = [];
  (socket as any).on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Emits with an ack callback and resolves with the ack. */
export function emitAck<T = unknown>(socket: TestSocket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}"`)), 5000);
    (socket as any).emit(event, ...args, (response: Ack<T>) => {
      clearTimeout(timer);
      resolve(response);
    });
  });
}

/** Resolves when nothing arrives for `event` within `ms` (absence checks). */
export async function expectNoEvent(socket: TestSocket, event: string, ms = 300): Promise<void> {
  let got: unknown;
  const listener = (payload: unknown) => {
    got = payload ?? true;
  };
  (socket as any).on(event, listener);
  await new Promise((r) => setTimeout(r, ms));
  (socket as any).off(event, listener);
  if (got !== undefined) throw new Error(`unexpected "${event}": ${JSON.stringify(got)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
