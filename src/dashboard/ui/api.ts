/**
 * The admin routes as the page calls them: relative URLs (the page may live under a
 * prefix), the token in the Authorization header, errors as the contract's codes.
 */
import type { AdminIdentity, ChannelsPage, DisconnectResult, Overview, UserPresence, UserSockets, UsersPage } from '../shapes.js';

/** A failed call, with the contract's error code (or NETWORK when the server was not reached). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** The token is wrong, expired or not an admin's: sign in again. */
  get signedOut(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

type Ok<T> = T & { ok: true };

export interface PageParams {
  cursor?: string;
  prefix?: string;
  limit?: number;
}

function query(params: PageParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A client for one token. */
export function createApi(token: string) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Ok<T>> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('NETWORK', 'The server did not answer', 0);
    }
    const json = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: { code: string; message: string } };
    if (!response.ok || json.ok !== true) {
      throw new ApiError(json.error?.code ?? 'INTERNAL', json.error?.message ?? `HTTP ${response.status}`, response.status);
    }
    return json as Ok<T>;
  }

  const user = (id: string) => `api/admin/users/${encodeURIComponent(id)}`;
  return {
    whoami: () => call<AdminIdentity>('GET', 'api/admin/whoami'),
    overview: () => call<Overview>('GET', 'api/admin/overview'),
    channels: (params: PageParams) => call<ChannelsPage>('GET', `api/admin/channels${query(params)}`),
    users: (params: PageParams) => call<UsersPage>('GET', `api/admin/users${query(params)}`),
    presence: (id: string) => call<UserPresence>('GET', user(id)),
    sockets: (id: string) => call<UserSockets>('GET', `${user(id)}/sockets`),
    publish: (channel: string, event: string, data: unknown) =>
      call<{ offset: number | null }>('POST', 'api/admin/publish', { channel, event, data }),
    notify: (userId: string, title: string, message: string, type: string) =>
      call<{ id: string }>('POST', 'api/admin/notify', { userId, title, message, type }),
    disconnect: (id: string) => call<DisconnectResult>('POST', `${user(id)}/disconnect`),
  };
}

export type Api = ReturnType<typeof createApi>;
