/**
 * The first run, as a newcomer does it: `serve` in a fresh folder, then `token` from the
 * same folder, with nothing configured. Both agree on the secret (the one `serve`
 * created in ./data), a development API key is generated and printed, `token` never
 * invents a secret of its own, and `config check` refuses what `serve` refuses.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, serveCli } from '../support/cli.js';
import { connectClient } from '../support/client.js';

const freshDir = (name: string) => mkdtempSync(join(tmpdir(), `sb-${name}-`));

describe('first run', () => {
  it('serve generates a dev secret and API key; token from the same folder signs with the same secret', async () => {
    const dir = freshDir('first-run');
    const env = cleanEnv();
    const server = await serveCli(dir, env);
    const banner = server.output();
    expect(banner).toContain('Development JWT secret generated');
    expect(banner).toMatch(/bound to 127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/test endpoints off/);
    const key = banner.match(/export KEY=(sk_dev_\S+)/)?.[1];
    expect(key).toBeDefined();

    const minted = runCli(dir, env, ['token', '--sub', '42', '--roles', 'admin']);
    expect(minted.status, minted.stderr).toBe(0);
    const { connected } = await connectClient(server.url, { token: minted.stdout.trim() });
    expect(connected).toMatchObject({ userId: '42', roles: ['admin'] });

    const stats = await fetch(`${server.url}/api/stats`, { headers: { authorization: `Bearer ${key}` } });
    expect(stats.status).toBe(200);
  });

  it('token in a folder where no server created a secret fails loudly and creates nothing', () => {
    const dir = freshDir('no-secret');
    const result = runCli(dir, cleanEnv(), ['token', '--sub', '42']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no development JWT secret at .*dev-jwt-secret.*npm start/);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('config check refuses a store URL that serve refuses, naming the key', () => {
    const dir = freshDir('bad-url');
    const env = cleanEnv({ SWITCHBOARD_DATABASE_URL: 'mysql://root@127.0.0.1/test' });
    const check = runCli(dir, env, ['config', 'check']);
    expect(check.status).toBe(2);
    expect(check.stderr).toMatch(/database\.url: use sqlite:PATH/);
  });

  it('an unreachable PostgreSQL is named as such, not as a failed migration', async () => {
    const dir = freshDir('pg-down');
    const env = cleanEnv({ SWITCHBOARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    const served = await serveCli(dir, env).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(served).toMatch(/start-up failed at "store" \(check database\.url\): .*ECONNREFUSED 127\.0\.0\.1:1/);
    expect(served).not.toMatch(/migration/);
  });
});
