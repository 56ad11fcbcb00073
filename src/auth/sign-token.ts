/** Mints HS256 tokens: the CLI's `switchboard token`, the quick start, and tests. */
import { SignJWT } from 'jose';

export interface SignTokenOptions {
  secret: string;
  sub: string;
  roles?: string[];
  name?: string;
  /** Lifetime: seconds, or a jose time span such as `1h`; @default '1h' */
  ttl?: number | string;
  issuer?: string;
  audience?: string;
  /** Extra claims (e.g. `channel` for channel tokens). */
  claims?: Record<string, unknown>;
}

export async function signToken(options: SignTokenOptions): Promise<string> {
  const payload: Record<string, unknown> = { ...options.claims };
  if (options.roles && options.roles.length > 0) payload.roles = options.roles;
  if (options.name) payload.name = options.name;
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(options.sub).setIssuedAt();
  const ttl = options.ttl ?? '1h';
  jwt = jwt.setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
