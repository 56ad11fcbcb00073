/**
 * Where a token may come from. On the socket handshake, in the contract's order:
 * `auth.token`, query `token`, header `Authorization: Bearer …`, cookie
 * `switchboard_token`. On HTTP (`httpToken`, issue 12): the header, and the cookie only
 * for same-origin requests, since a browser attaches the cookie to a forged cross-site
 * request too; never the query string, which ends up in access logs.
 */
export const TOKEN_COOKIE = 'switchboard_token';

export interface TokenCarrier {
  auth?: Record<string, unknown> | undefined;
  query?: Record<string, unknown> | undefined;
  headers: Record<string, string | string[] | undefined>;
}

function first(value: unknown): string | undefined {
  if (Array.isArray(value)) return first(value[0]);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = first(header);
  const match = value?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() || undefined;
}

export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const value = first(header);
  if (!value) return undefined;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw) || undefined;
      } catch {
        return raw || undefined;
      }
    }
  }
  return undefined;
}

/** The first token of a socket handshake, or undefined. */
export function extractToken(carrier: TokenCarrier): string | undefined {
  return (
    first(carrier.auth?.token) ??
    first(carrier.query?.token) ??
    bearerToken(carrier.headers.authorization) ??
    cookieValue(carrier.headers.cookie, TOKEN_COOKIE)
  );
}

type Headers = Record<string, string | string[] | undefined>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser sent this request from one of our own pages: its `Origin` is the
 * server's own host or listed in `origins` by name (`*` does not count), else
 * `Sec-Fetch-Site` says same-origin. A state-changing request with neither header is
 * refused (a simple cross-site form POST from a current browser always carries one).
 */
export function isSameOriginRequest(method: string, headers: Headers, origins: readonly string[]): boolean {
  const origin = first(headers.origin);
  if (origin && origin !== 'null') {
    return origins.includes(origin) || isOwnHost(origin, first(headers.host));
  }
  const site = first(headers['sec-fetch-site']);
  if (site) return site === 'same-origin' || site === 'none';
  return origin === undefined && SAFE_METHODS.has(method.toUpperCase());
}

/** Whether `origin` names the host the request was sent to (default ports made explicit). */
function isOwnHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const from = new URL(origin);
    const to = new URL(`${from.protocol}//${host}`);
    const port = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
    return from.hostname === to.hostname && port(from) === port(to);
  } catch {
    return false;
  }
}

/** The token of an HTTP request: `Authorization: Bearer …`, or the cookie of a same-origin request. */
export function httpToken(request: { method: string; headers: Headers }, origins: readonly string[]): string | undefined {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return bearer;
  const cookie = cookieValue(request.headers.cookie, TOKEN_COOKIE);
  return cookie && isSameOriginRequest(request.method, request.headers, origins) ? cookie : undefined;
}
