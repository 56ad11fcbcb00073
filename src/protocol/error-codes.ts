/**
 * The contract's error codes (PROTOCOL.md, "Error codes") with their HTTP statuses.
 * This table is the single source: acks, `error` events, handshake errors and HTTP
 * bodies are all derived from it.
 */
export const ERROR_CODES = {
  AUTH_REQUIRED: { status: 401, message: 'Authentication required' },
  AUTH_INVALID: { status: 401, message: 'Invalid credentials' },
  AUTH_EXPIRED: { status: 401, message: 'Credentials expired' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  VALIDATION_FAILED: { status: 400, message: 'Payload failed validation' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
  RATE_LIMITED: { status: 429, message: 'Rate limit exceeded' },
  CONFLICT: { status: 409, message: 'Conflict' },
  UNAVAILABLE: { status: 503, message: 'A backing service is unavailable' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the contract's stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The error object carried by failed acks, `error` events and HTTP bodies. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
