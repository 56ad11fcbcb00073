/**
 * HS256/384/512 JWT verification on node:crypto, synchronously (issue 10).
 *
 * jose verifies through WebCrypto's `subtle.verify`, a job per token that cost
 * 100–250 µs of main-thread time per handshake on the bench machine, against about
 * 45 µs for an HMAC, a constant-time compare and a JSON parse; in a connection storm
 * that difference was the largest cost Switchboard adds to a handshake. Asymmetric
 * tokens (RS/PS/ES/EdDSA, PEM or JWKS) still go through jose.
 *
 * The checks are jose's for the options Switchboard uses: compact form, the header's
 * `alg` equal to the key's algorithm, no `crit` and no unencoded payload (`b64`),
 * the signature compared in constant time over its strict base64url form, a JSON
 * object payload, numeric `exp`/`nbf`/`iat`, `exp` and `nbf` against the clock with
 * the configured tolerance, and `iss`/`aud` when configured.
 */
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { SwitchboardError } from '../core/errors.js';

export interface HmacVerifyOptions {
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  clockTolerance: number;
  /** For tests: the current time in ms. */
  now?: number;
}

const HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;
export type HmacAlgorithm = keyof typeof HASH;

const invalid = (message = 'Token is invalid') => new SwitchboardError('AUTH_INVALID', message);

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numericClaim(payload: JWTPayload, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`Token claim "${claim}" is invalid`);
  return value;
}

/** The payload of a valid token signed with `key` under `alg`; AUTH_INVALID / AUTH_EXPIRED otherwise. */
export function verifyHmacJwt(token: string, key: KeyObject, alg: HmacAlgorithm, options: HmacVerifyOptions): JWTPayload {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('Token is malformed');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJson(encodedHeader);
  if (!isObject(header) || header.alg !== alg) throw invalid();
  // Extensions Switchboard does not implement must be refused (RFC 7515 §4.1.11).
  if (header.crit !== undefined || header.b64 !== undefined) throw invalid();
  const expected = createHmac(HASH[alg], key).update(`${encodedHeader}.${encodedPayload}`).digest();
  const signature = Buffer.from(encodedSignature, 'base64url');
  // Node decodes base64url leniently: only the canonical text of the bytes counts.
  if (
    signature.length !== expected.length ||
    signature.toString('base64url') !== encodedSignature ||
    !timingSafeEqual(signature, expected)
  ) {
    throw invalid();
  }
  const payload = decodeJson(encodedPayload);
  if (!isObject(payload)) throw invalid();
  const claims = payload as JWTPayload;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.clockTolerance;
  numericClaim(claims, 'iat');
  const nbf = numericClaim(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw invalid('Token claim "nbf" is invalid');
  const exp = numericClaim(claims, 'exp');
  if (exp !== undefined && exp <= now - tolerance) throw new SwitchboardError('AUTH_EXPIRED', 'Token expired');
  if (options.issuer !== undefined && claims.iss !== options.issuer) throw invalid('Token claim "iss" is invalid');
  if (options.audience !== undefined) {
    const aud = claims.aud;
    const matches = typeof aud === 'string' ? aud === options.audience : Array.isArray(aud) && aud.includes(options.audience);
    if (!matches) throw invalid('Token claim "aud" is invalid');
  }
  return claims;
}
