/**
 * The test-server factory: a real Switchboard on 127.0.0.1 and an ephemeral port,
 * quiet logs, an in-memory SQLite store unless told otherwise, stopped after the test.
 */
import { pino } from 'pino';
import { signToken } from '../../src/auth/sign-token.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/server.js';
import { onCleanup } from './cleanup.js';
import { connectClient } from './client.js';
export const TEST_SECRET = 'test-secret-with-enough-length-0123456789';
export const TEST_API_KEY = 'sk_test_0123456789abcdef';
export async function startTestServer(options = {}) {
  const config = loadConfig({
    env: {},
    overrides: {
      env: 'test',
      port: 0,
      host: '127.0.0.1',
      auth: { jwtSecret: TEST_SECRET },
      apiKeys: [TEST_API_KEY],
      database: { url: 'sqlite::memory:' },
      log: { level: 'silent' },
      ...options.config,
      // nested objects merge below so a test can set one key of auth or database
      ...(options.config?.auth ? { auth: { jwtSecret: TEST_SECRET, ...options.config.auth } } : {}),
    },
  });
  const running = await startServer({ config, store: options.store, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  if (!options.manualStop) onCleanup(() => running.stop());
  const token = (sub, opts = {}) =>
    signToken({ secret: TEST_SECRET, sub, issuer: config.auth.issuer, audience: config.auth.audience, ...opts });
  return {
    ...running,
    token,
    async connect(sub, opts = {}) {
      return connectClient(running.url, { ...opts, token: opts.token ?? (await token(sub, { roles: opts.roles })) });
    },
    async request(method, path, opts = {}) {
      const headers = { ...opts.headers };
      if (opts.apiKey) headers.authorization = `Bearer ${TEST_API_KEY}`;
      else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body = opts.rawBody;
      if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${running.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // non-JSON bodies (metrics) stay text
      }
      return { status: response.status, body: parsed };
    },
  };
}
//# sourceMappingURL=server.js.map
