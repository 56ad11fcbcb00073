/**
 * JWT verification with jose. Each key only verifies its own algorithm family, so
 * `alg: none` and HS/RS confusion (an RS256 public key used as an HS256 secret) are
 * refused by construction: HS* tokens are checked only against the shared secret,
 * asymmetric ones only against the public key or JWKS.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import type { SwitchboardConfig } from '../config/schema.js';
import { SwitchboardError } from '../core/errors.js';
import { type HmacAlgorithm, verifyHmacJwt } from './hmac-jwt.js';

const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGS = ['ES256', 'ES384', 'ES512'];
const OKP_ALGS = ['EdDSA'];

/** The keys of `auth` the verifier reads. */
export type JwtAuthConfig = Pick<
  SwitchboardConfig['auth'],
  'jwtSecret' | 'jwtPublicKey' | 'jwksUrl' | 'issuer' | 'audience' | 'clockToleranceSeconds'
>;

export interface VerifiedJwt {
  claims: JWTPayload & Record<string, unknown>;
  /** `sub` as a string (numbers are accepted and stringified). */
  subject: string;
}

export interface JwtVerifier {
  verify(token: string): Promise<VerifiedJwt>;
  /** True when some key is configured. */
  readonly configured: boolean;
}

function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return RSA_ALGS;
    case 'ec':
      return EC_ALGS;
    case 'ed25519':
    case 'ed448':
      return OKP_ALGS;
    default:
      throw new Error(`auth.jwtPublicKey: unsupported key type ${key.asymmetricKeyType}`);
  }
}

/** Maps jose's errors onto the contract: only a passed `exp` is AUTH_EXPIRED. */
function toAuthError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (error instanceof joseErrors.JWTExpired) return new SwitchboardError('AUTH_EXPIRED', 'Token expired', { cause: error });
  if (error instanceof joseErrors.JWKSTimeout || (error instanceof TypeError && /fetch/i.test(error.message))) {
    return new SwitchboardError('UNAVAILABLE', 'Key set unavailable', { cause: error });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new SwitchboardError('AUTH_INVALID', `Token claim "${error.claim}" is invalid`, { cause: error });
  }
  return new SwitchboardError('AUTH_INVALID', 'Token is invalid', { cause: error });
}

export function createJwtVerifier(config: JwtAuthConfig): JwtVerifier {
  // One key object for every HS algorithm, verified on node:crypto (hmac-jwt.ts):
  // no per-handshake key import and no WebCrypto job per token (issues 6 and 10).
  const secret = config.jwtSecret ? createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) : undefined;
  let publicKey: KeyObject | undefined;
  let publicAlgs: string[] = [];
  if (config.jwtPublicKey) {
    try {
      publicKey = createPublicKey(config.jwtPublicKey);
    } catch (err) {
      throw new Error(`auth.jwtPublicKey: not a PEM public key (${(err as Error).message})`, { cause: err });
    }
    publicAlgs = algorithmsForKey(publicKey);
  }
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 })
    : undefined;

  const baseOptions = {
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
  };

  return {
    configured: Boolean(secret || publicKey || jwks),
    async verify(token: string): Promise<VerifiedJwt> {
      try {
        const header = decodeProtectedHeader(token);
        const alg = typeof header.alg === 'string' ? header.alg : '';
        let result: { payload: JWTPayload };
        if (HMAC_ALGS.includes(alg)) {
          if (!secret) throw new SwitchboardError('AUTH_INVALID', `Algorithm ${alg} is not accepted`);
          result = { payload: verifyHmacJwt(token, secret, alg as HmacAlgorithm, baseOptions) };
        } else if (publicKey && publicAlgs.includes(alg)) {
          result = await jwtVerify(token, publicKey, { ...baseOptions, algorithms: publicAlgs });
        } else if (jwks && [...RSA_ALGS, ...EC_ALGS, ...OKP_ALGS].includes(alg)) {
          result = await jwtVerify(token, jwks, { ...baseOptions, algorithms: [...RSA_ALGS, ...EC_ALGS, ...OKP_ALGS] });
        } else {
          throw new SwitchboardError('AUTH_INVALID', `Algorithm ${alg || '(none)'} is not accepted`);
        }
        const claims = result.payload as JWTPayload & Record<string, unknown>;
        const rawSub: unknown = claims.sub;
        const subject = typeof rawSub === 'number' && Number.isFinite(rawSub) ? String(rawSub) : rawSub;
        if (typeof subject !== 'string' || subject.length === 0 || subject.length > 256) {
          throw new SwitchboardError('AUTH_INVALID', 'Token has no valid "sub" claim');
        }
        return { claims, subject };
      } catch (error) {
        throw toAuthError(error);
      }
    },
  };
}
