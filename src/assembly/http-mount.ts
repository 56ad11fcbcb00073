/**
 * Mounts Switchboard on the host's http.Server: Socket.IO (engine.io) on its path, the
 * Fastify HTTP API on `/health`, `/ready`, `/metrics`, `/api/*`, `/dashboard`, `/docs` and
 * `/openapi.json` (under a prefix when
 * the host wants one), everything else to the host's own listeners. A standalone
 * server has no host listeners, so every other path is Fastify's too and gets a prompt
 * 404 NOT_FOUND instead of waiting on a listener that is not there.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from '../http/app.js';

type Listener = (...args: unknown[]) => void;

export interface HttpMountOptions {
  server: HttpServer;
  /** Socket.IO's path (`socket.path`). */
  socketPath: string;
  /** Where the HTTP API is mounted (`''` for the root); undefined when it is not served. */
  prefix: string | undefined;
}

/** The host's listeners before Socket.IO wraps them, to tell "a host app" from "standalone" and to restore. */
export interface HostListeners {
  request: Listener[];
  upgrade: Listener[];
}

export function captureHostListeners(server: HttpServer): HostListeners {
  return { request: server.listeners('request') as Listener[], upgrade: server.listeners('upgrade') as Listener[] };
}

/**
 * Puts the host's listeners back. After a start-up failure that is all (nothing was
 * served yet). After a graceful close (`gone`), requests for Switchboard's paths that
 * still arrive — clients reconnecting — get a prompt 503 UNAVAILABLE instead of
 * hanging on a server that no longer routes them.
 */
export function restoreHostListeners(
  server: HttpServer,
  host: HostListeners,
  gone?: { socketPath: string; prefix: string | undefined },
): void {
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  for (const listener of host.upgrade) server.on('upgrade', listener);
  if (!gone) {
    for (const listener of host.request) server.on('request', listener);
    return;
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    const ours =
      path.startsWith(gone.socketPath) ||
      (gone.prefix !== undefined && path.startsWith(gone.prefix) && isApiPath(path.slice(gone.prefix.length)));
    if (!ours && host.request.length > 0) {
      for (const listener of host.request) listener.call(server, req, res);
      return;
    }
    res.writeHead(ours ? 503 : 404, { 'content-type': 'application/json', connection: 'close' });
    res.end(
      JSON.stringify({
        ok: false,
        error: ours
          ? { code: 'UNAVAILABLE', message: 'Switchboard has stopped' }
          : { code: 'NOT_FOUND', message: `No route ${req.method} ${path}` },
      }),
    );
  });
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/** The routes of Switchboard's own HTTP API, relative to its prefix. */
export function isApiPath(path: string): boolean {
  return (
    path === '/health' ||
    path === '/ready' ||
    path === '/metrics' ||
    path === '/openapi.json' ||
    /^\/docs(\/|$)/.test(path) ||
    path.startsWith('/api/') ||
    path === '/api' ||
    /^\/dashboard(\/|$)/.test(path)
  );
}

/**
 * Routes every request: Socket.IO's path to engine.io (installed by `new Server`
 * before this is called), the API to Fastify, the rest to the host, or to Fastify
 * when there is no host app. Call after Socket.IO is attached.
 */
export function mountHttpApi(options: HttpMountOptions, host: HostListeners, fastify: RequestHandler): void {
  const { server, socketPath, prefix } = options;
  if (prefix === undefined) return;
  // engine.io's wrapper: serves its path and hands other requests to the host's listeners.
  const engine = server.listeners('request') as Listener[];
  const standalone = host.request.length === 0;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    if (path === socketPath || path.startsWith(`${socketPath}/`)) {
      for (const listener of engine) listener.call(server, req, res);
      return;
    }
    if (path.startsWith(prefix) && (standalone || isApiPath(path.slice(prefix.length) || '/'))) {
      if (prefix && req.url) req.url = req.url.slice(prefix.length) || '/';
      fastify(req, res);
      return;
    }
    if (standalone) {
      fastify(req, res);
      return;
    }
    for (const listener of engine) listener.call(server, req, res);
  });
}
