/**
 * The Fastify instance that serves the HTTP API on the same server as Socket.IO.
 * Errors of every kind leave as the contract's body `{ ok: false, error: { code, message } }`.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { SwitchboardError, toSwitchboardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpAppOptions {
  server: HttpServer;
  logger: Logger;
  metrics: Metrics;
  /** Largest JSON body accepted; @default 1 MiB */
  bodyLimit?: number;
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
