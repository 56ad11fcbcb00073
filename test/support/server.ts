/**
 * The test-server factory: a real Switchboard on 127.0.0.1 and an ephemeral port,
 * quiet logs, an in-memory SQLite store unless told otherwise, stopped after the test.
 */
import { pino } from 'pino';
import { type SignTokenOptions, signToken } from '../../src/auth/sign-token.js';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import type { Feature } from '../../src/core/feature.js';
import type { Logger } from '../../src/core/logger.js';
import { BUILTIN_FEATURES, loadConfigFor } from '../../src/features.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';
import { onCleanup } from './cleanup.js';
import { type ConnectOptions, connectClient } from './client.js';

export const TEST_SECRET = 'test-secret-with-enough-length-0123456789';
export const TEST_API_KEY = 'sk_test_0123456789abcdef';

export interface TestServer extends RunningServer {
  /** A JWT for `sub` signed with the test secret. */
  token(sub: string, options?: Partial<SignTokenOptions>): Promise<string>;
  /** Connects a real client as `sub` and waits for `connected`. */
  connect(sub: string, options?: ConnectOptions & { roles?: string[] }): ReturnType<typeof connectClient>;
  /** An HTTP request (in-process, through Fastify's inject) with the API key or a token. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; apiKey?: boolean; headers?: Record<string, string>; rawBody?: string },
  ): Promise<{ status: number; body: any }>;
}

export interface TestServerOptions {
  config?: SwitchboardConfigInput;
  /** A feature list of the test's own; @default BUILTIN_FEATURES */
  features?: readonly Feature[];
  store?: Store;
  /** Keep the server running after the test (for tests that stop it themselves). */
  manualStop?: boolean;
  /** A logger of the test's own (e.g. to read audit lines); @default silent */
  logger?: Logger;
}

/**
 * Every test client connects from 127.0.0.1, some tests hundreds at once: the per-IP
 * and per-user limits are lifted unless a test sets them (src/protection/ tests do).
 */
const TEST_LIMITS = {
  maxConnectionsPerUser: 10_000,
  maxConnectionsPerIp: 100_000,
  handshakesPerIpPerSecond: 100_000,
  handshakeBurst: 100_000,
  sessionsPerIpPerMinute: 100_000,
};

/** The config every test server runs with (ephemeral port, test secret and key, quiet), under the test's own keys. */
export function testConfigOverrides(config: SwitchboardConfigInput = {}): SwitchboardConfigInput {
  return {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    auth: { jwtSecret: TEST_SECRET },
    apiKeys: [TEST_API_KEY],
    database: { url: 'sqlite::memory:' },
    log: { level: 'silent' },
    ...config,
    // nested objects merge below so a test can set one key of auth or database
    ...(config.auth ? { auth: { jwtSecret: TEST_SECRET, ...config.auth } } : {}),
    limits: { ...TEST_LIMITS, ...config.limits },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfigFor(options.features ?? BUILTIN_FEATURES, { env: {}, overrides: testConfigOverrides(options.config) });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const running = await startServer({ config, features: options.features, store: options.store, logger });
  if (!options.manualStop) onCleanup(() => running.stop());

  const token = (sub: string, opts: Partial<SignTokenOptions> = {}) =>
    signToken({ secret: TEST_SECRET, sub, issuer: config.auth.issuer, audience: config.auth.audience, ...opts });

  return {
    ...running,
    token,
    async connect(sub, opts = {}) {
      return connectClient(running.url, { ...opts, token: opts.token ?? (await token(sub, { roles: opts.roles })) });
    },
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.apiKey) headers.authorization = `Bearer ${TEST_API_KEY}`;
      else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      // In-process (Fastify's inject): HTTP-only tests need no socket. Tests of the
      // transport itself (CORS, the mount, body limits on the wire) use fetch.
      const response = await running.switchboard.inject({ method: method as 'GET', url: path, headers, payload: body });
      let parsed: unknown = response.body;
      try {
        parsed = JSON.parse(response.body);
      } catch {
        // non-JSON bodies (metrics) stay text
      }
      return { status: response.statusCode, body: parsed };
    },
  };
}
