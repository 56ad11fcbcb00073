/** Config: validation messages name the key, env overrides the file, production checks, docs in sync. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '../features.js';
import { ConfigError } from './load.js';
import { configReferenceMarkdown } from './reference.js';

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  const file = join(dir, 'switchboard.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      database: { url: 'sqlite:./data/switchboard.db' },
      cors: { origins: ['*'] },
      // PROTOCOL.md: the test endpoints are off unless enabled (issue 13).
      testEndpoints: false,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.rateLimits.default).toEqual({ points: 10, perSeconds: 1 });
    expect(config.socket).toMatchObject({ maxHttpBufferSize: 1_000_000, compression: { enabled: false } });
    expect(Object.isFrozen(config.auth)).toBe(true);
  });

  it('names the key of every bad value and unknown key', () => {
    const file = configFile({
      port: 'eighty',
      chanels: {},
      auth: { jwtSecret: 'short' },
      channels: { trip: { policy: 'sometimes' }, ops: { policy: 'roles' } },
    });
    const list = problems(() => loadConfig({ env: {}, file }));
    expect(list).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^port: /),
        expect.stringMatching(/^chanels: unknown key/),
        expect.stringMatching(/^auth\.jwtSecret: /),
        expect.stringMatching(/^channels\.trip\.policy: /),
        expect.stringMatching(/^channels\.ops\.roles: /),
      ]),
    );
  });

  it('reads the environment over the file', () => {
    const file = configFile({
      port: 4000,
      apiKeys: ['sk_from_file_0123456789'],
      channels: { news: { policy: 'public', history: { size: 50 } } },
    });
    const config = loadConfig({
      file,
      env: {
        PORT: '5000',
        SWITCHBOARD_API_KEYS: 'sk_a_0123456789abcdef, sk_b_0123456789abcdef',
        SWITCHBOARD_CORS_ORIGINS: 'https://a.example',
      },
    });
    expect(config.port).toBe(5000);
    expect(config.apiKeys).toEqual(['sk_a_0123456789abcdef', 'sk_b_0123456789abcdef']);
    expect(config.cors.origins).toEqual(['https://a.example']);
    expect(config.channels.news).toMatchObject({ policy: 'public', joinLeave: false, history: { size: 50 } });
  });

  it('names the variable of a bad environment value, and a file that is not JSON', () => {
    expect(problems(() => loadConfig({ env: { PORT: 'abc' } }))).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problems(() => loadConfig({ env: { SWITCHBOARD_TEST_ENDPOINTS: 'maybe' } }))).toEqual([
      expect.stringMatching(/^SWITCHBOARD_TEST_ENDPOINTS: /),
    ]);
    expect(problems(() => loadConfig({ env: {}, file: configFile('{ nope') }))[0]).toMatch(/SWITCHBOARD_CONFIG: .* not valid JSON/);
  });

  it('production refuses to start without a real key and explicit CORS origins', () => {
    const list = problems(() => loadConfig({ env: { NODE_ENV: 'production' } }));
    expect(list).toEqual([expect.stringMatching(/^auth\.jwtSecret: production/), expect.stringMatching(/^cors\.origins: production/)]);
    const ok = loadConfig({
      env: {
        NODE_ENV: 'production',
        SWITCHBOARD_JWT_SECRET: 'a-real-secret-of-32-characters!!',
        SWITCHBOARD_CORS_ORIGINS: 'https://app.example',
      },
    });
    expect(ok.testEndpoints).toBe(false);
  });

  it('the CLI stops with one line per problem and exit code 2', () => {
    const file = configFile({ port: -1 });
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'config', 'check', '--config', file], {
      encoding: 'utf8',
      env: { ...process.env, PORT: '' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid configuration:\n {2}- port: /);
  });

  it('docs/configuration.md holds the generated reference', () => {
    const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(docs).toContain(configReferenceMarkdown(configSchema));
  });
});
