/**
 * What the operator commands (`publish`, `notify`, `listen`, `status`) need to reach a
 * running server: its URL, an API key for the server routes, and a user token for a
 * socket. The defaults are the local server of this folder: the configured port, the
 * key from `SWITCHBOARD_API_KEY` or else the configured/development key (the one the
 * banner prints), and a token signed with the configured/development JWT secret.
 */
import { signToken } from '../auth/sign-token.js';
import type { SwitchboardConfig } from '../config/schema.js';
import { loadCliConfig } from './load-cli-config.js';

export interface RemoteFlags {
  url?: string;
  config?: string;
}

export interface Remote {
  url: string;
  config: Readonly<SwitchboardConfig>;
  /** The API key, or undefined when none is known. */
  apiKey: string | undefined;
}

/** An answer of the server that is not a success, in the contract's words. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export function resolveRemote(flags: RemoteFlags): Remote {
  const { config } = loadCliConfig({ config: flags.config });
  const url = (flags.url ?? process.env.SWITCHBOARD_URL ?? `http://127.0.0.1:${config.port}`).replace(/\/$/, '');
  return { url, config, apiKey: process.env.SWITCHBOARD_API_KEY || config.apiKeys[0] };
}

function requireKey(remote: Remote): string {
  if (remote.apiKey) return remote.apiKey;
  throw new RemoteError('no API key: set SWITCHBOARD_API_KEY (in development, start the server once from this folder and it creates one)');
}

/** Calls the server and returns the body of a success, or throws RemoteError with the server's code and message. */
export async function call<T = Record<string, unknown>>(
  remote: Remote,
  method: string,
  path: string,
  options: { body?: unknown; auth?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.auth !== false) headers.authorization = `Bearer ${requireKey(remote)}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${remote.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new RemoteError(`cannot reach ${remote.url} (${(err as Error).cause ?? (err as Error).message}); is the server running? (--url)`);
  }
  const text = await res.text();
  let body: { error?: { code?: string; message?: string } } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RemoteError(`${method} ${path} answered ${res.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok && !(path === '/ready' && res.status === 503)) {
    const error = body?.error ?? {};
    throw new RemoteError(`${error.code ?? res.status}: ${error.message ?? 'request failed'}`, error.code);
  }
  return body as T;
}

/** A user token for `listen`: `--token`/`SWITCHBOARD_TOKEN`, or one signed with the configured or development secret. */
export async function listenerToken(remote: Remote, flags: { token?: string; as: string }): Promise<string> {
  const given = flags.token ?? process.env.SWITCHBOARD_TOKEN;
  if (given) return given;
  const { jwtSecret, issuer, audience } = remote.config.auth;
  if (!jwtSecret) {
    throw new RemoteError('no token: pass --token (or SWITCHBOARD_TOKEN), or set SWITCHBOARD_JWT_SECRET so the CLI can sign one');
  }
  // admin and monitor: allowed on role-restricted namespaces and kafka-events too.
  return signToken({
    secret: jwtSecret,
    sub: flags.as,
    name: 'switchboard listen',
    roles: ['admin', 'monitor'],
    ttl: '12h',
    issuer,
    audience,
  });
}
