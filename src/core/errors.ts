/**
 * Errors as typed codes (STYLE.md #8). Every failure that reaches a client is a
 * `SwitchboardError` with one of the contract's codes; anything else is INTERNAL
 * and is logged with a request id, never sent with its stack.
 */
import { ERROR_CODES, type ErrorCode, isErrorCode, type WireError } from '../protocol/error-codes.js';

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    if (options?.details) this.details = options.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toWire(): WireError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** Shorthand constructor: `fail('FORBIDDEN', 'not a member')`. */
export function fail(code: ErrorCode, message?: string, details?: Record<string, unknown>): SwitchboardError {
  return new SwitchboardError(code, message, details ? { details } : undefined);
}

/**
 * Turns anything thrown into a SwitchboardError. Unknown errors become INTERNAL with
 * a generic message; the original is kept as `cause` for the log.
 */
export function toSwitchboardError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const maybe = error as { code?: unknown; message?: unknown } | null;
  if (maybe && isErrorCode(maybe.code) && typeof maybe.message === 'string') {
    return new SwitchboardError(maybe.code, maybe.message, { cause: error });
  }
  return new SwitchboardError('INTERNAL', ERROR_CODES.INTERNAL.message, { cause: error });
}

/** The HTTP status of a code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/**
 * Runs a call to a backing service (Redis, the Socket.IO adapter); whatever it throws
 * becomes UNAVAILABLE (503) naming `what`, with the original as `cause`: an outage
 * is degraded service, never INTERNAL.
 */
export async function orUnavailable<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof SwitchboardError) throw err;
    throw new SwitchboardError('UNAVAILABLE', `${what} is unavailable`, { cause: err });
  }
}
