/**
 * The Socket.IO server with the options that matter: an origin allowlist enforced
 * in engine.io's allowRequest (the `cors` option only sets headers and does not stop
 * a cross-site WebSocket), packet size limit, heartbeats, optional compression and
 * connection-state recovery that still runs the auth middleware.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { SwitchboardConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../monitoring/metrics.js';
import { type HandshakeAudit, handshakeAudit } from './handshake-audit.js';
import type { SwitchboardServer } from './socket-types.js';

export function originAllowed(origins: readonly string[], origin: string | undefined): boolean {
  // Non-browser clients (mobile apps, python-socketio, servers) send no Origin.
  if (!origin) return true;
  return origins.includes('*') || origins.includes(origin);
}

/** Counts and audits a WebSocket or polling handshake refused for its Origin. */
function refusedOrigin(metrics: Metrics, audit: HandshakeAudit, req: IncomingMessage): void {
  metrics.handshakeFailures.inc({ code: 'FORBIDDEN' });
  audit(
    {
      audit: 'handshake',
      outcome: 'refused',
      code: 'FORBIDDEN',
      reason: 'origin not allowed',
      address: req.socket.remoteAddress,
      origin: req.headers.origin,
    },
    'handshake refused',
  );
}

export interface SocketServerOptions {
  logger: Logger;
  metrics: Metrics;
}

export function createSocketServer(
  server: HttpServer,
  config: Readonly<SwitchboardConfig>,
  options: SocketServerOptions,
): SwitchboardServer {
  const origins = config.cors.origins ?? [];
  const anyOrigin = origins.includes('*');
  const audit = handshakeAudit(options.logger, config.log.handshakes);
  return new Server(server, {
    path: config.socket.path,
    serveClient: config.socket.serveClient,
    transports: [...config.socket.transports],
    maxHttpBufferSize: config.socket.maxHttpBufferSize,
    pingInterval: config.socket.pingIntervalMs,
    pingTimeout: config.socket.pingTimeoutMs,
    perMessageDeflate: config.socket.compression.enabled ? { threshold: config.socket.compression.threshold } : false,
    cors: { origin: anyOrigin ? true : [...origins], credentials: true },
    allowRequest: (req, callback) => {
      if (originAllowed(origins, req.headers.origin)) return callback(null, true);
      refusedOrigin(options.metrics, audit, req);
      callback('Origin not allowed', false);
    },
    connectionStateRecovery:
      config.socket.recoveryWindowMs > 0 ? { maxDisconnectionDuration: config.socket.recoveryWindowMs, skipMiddlewares: false } : undefined,
  }) as SwitchboardServer;
}
