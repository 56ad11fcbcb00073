/**
 * The SDK's one error type. Server refusals keep the contract's code (`FORBIDDEN`,
 * `RATE_LIMITED`, …, PROTOCOL.md "Error codes"); three codes are the SDK's own, for
 * what happens on the client side of the wire.
 */
import type { ErrorCode, WireError } from '../protocol/error-codes.js';

/**
 * `CLOSED`: the client was closed (or refused for good) before an answer;
 * `DISCONNECTED`: the connection dropped before the answer came, so the call may or may
 * not have taken effect; `TIMEOUT`: no answer within the time given.
 */
export type ClientErrorCode = 'CLOSED' | 'DISCONNECTED' | 'TIMEOUT';

/** A contract error code or one of the SDK's own. */
export type SwitchboardErrorCode = ErrorCode | ClientErrorCode;

/**
 * What `call()`, `chat.send()`, the inbox and HTTP helpers reject with, and what
 * `failed` subscriptions and the `error` event carry.
 * @example
 * try { await sb.call('message:send', { conversationId, content }) }
 * catch (err) { if (err instanceof SwitchboardError && err.code === 'RATE_LIMITED') wait(err.details?.retryAfterMs) }
 */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  readonly code: SwitchboardErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: SwitchboardErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  /** From a failed ack's or an HTTP body's `error`, or an `err.data` of a refused handshake. */
  static from(wire: Partial<WireError> | undefined, fallback: SwitchboardErrorCode = 'INTERNAL'): SwitchboardError {
    const code = typeof wire?.code === 'string' ? (wire.code as SwitchboardErrorCode) : fallback;
    return new SwitchboardError(code, typeof wire?.message === 'string' ? wire.message : code, wire?.details);
  }
}

/**
 * Failures worth retrying with backoff: the server or a backing service is busy or
 * away, or the connection dropped. Everything else (FORBIDDEN, NOT_FOUND, …) would
 * fail the same way again.
 */
export function isRetryable(error: SwitchboardError): boolean {
  return error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED' || error.code === 'DISCONNECTED' || error.code === 'TIMEOUT';
}

/** The server's hint for RATE_LIMITED (`details.retryAfterMs`), if any. */
export function retryAfterMs(error: SwitchboardError): number | undefined {
  const value = error.details?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
