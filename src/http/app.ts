/**
 * The Fastify instance that serves the HTTP API on the same server as Socket.IO.
 * Errors of every kind leave as the contract's body `{ ok: false, error: { code, message } }`.
 * Browser pages on an allowed origin (`cors.origins`, the same list Socket.IO obeys)
 * may call the API cross-origin (@fastify/cors): CORS headers on every answer to an
 * allowed origin, preflights answered, a preflight from another origin refused with
 * 403 FORBIDDEN, and an OPTIONS request that is no preflight left to the 404 handler.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { SwitchboardError, toSwitchboardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';
import { originAllowed } from '../realtime/socket-server.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpAppOptions {
  server: HttpServer;
  logger: Logger;
  metrics: Metrics;
  /** Largest JSON body accepted; @default 1 MiB */
  bodyLimit?: number;
  /** Browser origins allowed to call the API (`*` for any); @default none */
  corsOrigins?: readonly string[];
  /** Behind one reverse proxy: `request.ip` is the last X-Forwarded-For entry; @default false */
  trustProxy?: boolean;
}

const CORS_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'];

/**
 * CORS per request: the request's own origin when allowed (bearer tokens, so no
 * credentials), nothing for other origins and for requests that are no preflight.
 */
function corsFor(origins: readonly string[]) {
  return (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) => {
    const origin = request.headers.origin;
    const isPreflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (origin === undefined || (request.method === 'OPTIONS' && !isPreflight)) return callback(null, { origin: false });
    if (!originAllowed(origins, origin)) {
      if (isPreflight) return callback(new SwitchboardError('FORBIDDEN', 'Origin not allowed'), { origin: false });
      return callback(null, { origin: false });
    }
    callback(null, { origin, methods: CORS_METHODS, maxAge: 600, optionsSuccessStatus: 200, credentials: false });
  };
}

/** Maps Fastify's own errors (bad JSON, body too large, …) onto contract codes. */
function fromFastifyError(error: FastifyError): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const status = error.statusCode;
  if (status === 413) return new SwitchboardError('PAYLOAD_TOO_LARGE', 'Request body is too large', { cause: error });
  if (status === 415) return new SwitchboardError('VALIDATION_FAILED', 'Send JSON (content-type: application/json)', { cause: error });
  if (status !== undefined && status >= 400 && status < 500 && status !== 404) {
    return new SwitchboardError('VALIDATION_FAILED', error.message || 'Bad request', { cause: error });
  }
  return toSwitchboardError(error);
}

export function createHttpApp(options: HttpAppOptions): { app: FastifyInstance; handler: () => RequestHandler } {
  let captured: RequestHandler | undefined;
  const app = Fastify({
    // Switchboard owns the http.Server (or shares the host app's); Fastify only routes.
    serverFactory: (handler) => {
      captured = handler as RequestHandler;
      return options.server;
    },
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // One hop: the address the proxy saw, never one the client wrote (docs/security.md).
    trustProxy: options.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    logger: false,
    // Channel names contain ':' and appear literally in paths (/api/channels/trip:1/…).
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = fromFastifyError(error);
    options.metrics.errors.inc({ code: err.code });
    if (err.code === 'INTERNAL') options.logger.error({ err: error, reqId: request.id, url: request.url }, 'request failed');
    const body = {
      ok: false,
      error: err.code === 'INTERNAL' ? { code: err.code, message: `${err.message} (request ${request.id})` } : err.toWire(),
    };
    void reply.code(err.status).send(body);
  });

  // CORS for browser pages (e.g. examples/chat.html, whose API calls send
  // `Authorization` and so are preflighted).
  void app.register(cors, { delegator: corsFor(options.corsOrigins ?? []) });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ ok: false, error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  return {
    app,
    handler: () => {
      if (!captured) throw new Error('Fastify has not created its request handler');
      return captured;
    },
  };
}
