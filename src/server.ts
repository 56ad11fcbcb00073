/**
 * The standalone server: an http.Server of its own with Switchboard attached,
 * listen, and graceful shutdown on SIGTERM/SIGINT.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SwitchboardConfig } from './config/schema.js';
import type { Feature } from './core/feature.js';
import type { Logger } from './core/logger.js';
import { createSwitchboard, type Switchboard, type SwitchboardOptions } from './switchboard.js';

export interface StartServerOptions extends Omit<SwitchboardOptions, 'server' | 'config'> {
  config: Readonly<SwitchboardConfig>;
  /** The features to run; @default BUILTIN_FEATURES */
  features?: readonly Feature[];
  /** Install SIGTERM/SIGINT handlers that stop and exit; @default false */
  handleSignals?: boolean;
}

export interface RunningServer {
  switchboard: Switchboard;
  http: HttpServer;
  /** The bound port (useful with port 0). */
  port: number;
  url: string;
  /** Stops accepting, shuts Switchboard down gracefully and closes the port. */
  stop(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const http = createServer();
  // Slow or idle HTTP clients must not hold a shutdown open.
  http.keepAliveTimeout = 5000;
  const switchboard = await createSwitchboard({ ...options, server: http, config }, options.features);
  const logger: Logger = switchboard.context.logger;

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Stop accepting first, then drain Switchboard, then drop idle keep-alives.
      const closedPort = new Promise<void>((resolve) => http.close(() => resolve()));
      await switchboard.close();
      http.closeIdleConnections();
      const timer = setTimeout(() => http.closeAllConnections(), 1000);
      timer.unref();
      await closedPort;
      clearTimeout(timer);
    })();
    return stopping;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      const hardStop = setTimeout(() => {
        logger.error('graceful shutdown took too long; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs + 2000);
      hardStop.unref();
      stop().then(
        () => {
          logger.info('stopped');
          logger.flush?.();
          process.exit(0);
        },
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  return { switchboard, http, port, url, stop };
}
