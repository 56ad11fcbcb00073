/**
 * Where a token may come from, in the contract's order: `auth.token`, query `token`,
 * header `Authorization: Bearer …`, cookie `switchboard_token`.
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

/** The first token found, or undefined. */
export function extractToken(carrier: TokenCarrier): string | undefined {
  return (
    first(carrier.auth?.token) ??
    first(carrier.query?.token) ??
    bearerToken(carrier.headers.authorization) ??
    cookieValue(carrier.headers.cookie, TOKEN_COOKIE)
  );
}
