/**
 * Turns a token (JWT or guest session token) into a Principal, or throws a
 * SwitchboardError with the contract's code. Sockets, HTTP routes and `auth:refresh`
 * all come through here.
 */
import { SwitchboardError } from '../core/errors.js';
import type { JwtVerifier } from './jwt-verifier.js';
import type { Principal } from './principal.js';
import { SESSION_TOKEN_PREFIX, type SessionsRepo } from './sessions/sessions-repo.js';

export interface Authenticator {
  /** Checks a token; throws AUTH_REQUIRED / AUTH_INVALID / AUTH_EXPIRED / UNAVAILABLE. */
  authenticate(token: string | undefined): Promise<Principal>;
  readonly jwt: JwtVerifier;
  readonly sessions: SessionsRepo;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16_384;

function rolesFrom(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
}

export function createAuthenticator(jwt: JwtVerifier, sessions: SessionsRepo): Authenticator {
  return {
    jwt,
    sessions,
    async authenticate(token) {
      if (!token) throw new SwitchboardError('AUTH_REQUIRED', 'No token was sent');
      if (token.length > MAX_TOKEN_LENGTH) throw new SwitchboardError('AUTH_INVALID', 'Token is too long');

      if (token.startsWith(SESSION_TOKEN_PREFIX)) {
        const session = await sessions.findByToken(token).catch((cause) => {
          throw new SwitchboardError('UNAVAILABLE', 'Session store unavailable', { cause });
        });
        if (!session || session.revokedAt !== null) throw new SwitchboardError('AUTH_INVALID', 'Unknown session');
        if (session.expiresAt <= Date.now()) throw new SwitchboardError('AUTH_EXPIRED', 'Session expired');
        return {
          userId: session.userId,
          isLoggedIn: false,
          roles: [],
          authKind: 'session',
          sessionId: session.id,
          expiresAt: session.expiresAt,
        };
      }

      if (!JWT_SHAPE.test(token)) throw new SwitchboardError('AUTH_INVALID', 'Token is malformed');
      const { claims, subject } = await jwt.verify(token);
      const principal: Principal = {
        userId: subject,
        isLoggedIn: true,
        roles: rolesFrom(claims.roles),
        authKind: 'jwt',
        expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
      };
      if (typeof claims.name === 'string') principal.name = claims.name;
      return principal;
    },
  };
}
