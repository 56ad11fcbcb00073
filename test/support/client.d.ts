/** Real socket.io-client sockets and small promise helpers for tests. */
import { type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ConnectedPayload, ServerToClientEvents } from '../../src/protocol/index.js';
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
export declare function createClient(url: string, options?: ConnectOptions): TestSocket;
/** Connects and resolves with the `connected` payload. */
export declare function connectClient(
  url: string,
  options?: ConnectOptions,
): Promise<{
  socket: TestSocket;
  connected: ConnectedPayload;
}>;
/** Resolves with the connect_error of a refused handshake. */
export declare function expectRefused(
  url: string,
  options?: ConnectOptions,
): Promise<
  Error & {
    data?: {
      code: string;
      message: string;
    };
  }
>;
/** The next occurrence of an event (any name, including publications). */
export declare function nextEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs?: number): Promise<T>;
/** All arguments of the next occurrence of an event. */
export declare function nextEventArgs(socket: TestSocket, event: string, timeoutMs?: number): Promise<unknown[]>;
/** Collects every occurrence of an event until read. */
export declare function collect<T = unknown>(socket: TestSocket, event: string): T[];
/** Emits with an ack callback and resolves with the ack. */
export declare function emitAck<T = unknown>(socket: TestSocket, event: string, ...args: unknown[]): Promise<Ack<T>>;
/** Resolves when nothing arrives for `event` within `ms` (absence checks). */
export declare function expectNoEvent(socket: TestSocket, event: string, ms?: number): Promise<void>;
export declare const sleep: (ms: number) => Promise<unknown>;
