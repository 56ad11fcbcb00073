/** The real CLI: `switchboard serve` on SIGTERM with connected clients exits 0 in time. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import { serveCli } from '../support/cli.js';
import { connectClient, emitAck } from '../support/client.js';
import { TEST_SECRET } from '../support/server.js';

/** `switchboard serve` in `dir` (its ./data is the data folder) with these variables added to the environment. */
const serve = (dir: string, env: Record<string, string>) => serveCli(dir, { ...process.env, ...env });

describe('switchboard serve', () => {
  it('SIGTERM with connected clients: clients are told to reconnect, exit code 0 within the bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-serve-'));
    const { child, url } = await serve(dir, {
      SWITCHBOARD_JWT_SECRET: TEST_SECRET,
      SWITCHBOARD_DATABASE_URL: `sqlite:${dir}/sb.db`,
      SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '3000',
      SWITCHBOARD_LOG_LEVEL: 'warn',
    });
    const token = await signToken({ secret: TEST_SECRET, sub: 'u1' });
    const a = await connectClient(url, { token });
    const b = await connectClient(url, { token, transports: ['polling'] });
    expect((await emitAck(a.socket, 'ping')).ok).toBe(true);

    const reasons = Promise.all([a.socket, b.socket].map((s) => new Promise<string>((r) => s.once('disconnect', (reason) => r(reason)))));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const sentAt = Date.now();
    child.kill('SIGTERM');
    // A transport close (not a server-side disconnect) is what makes stock clients reconnect.
    expect(await reasons).toEqual([
      expect.stringMatching(/transport close|transport error/),
      expect.stringMatching(/transport close|transport error/),
    ]);
    expect(await exited).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(3000 + 2000);
  });

  it('prints the generated dev secret, a sample token and a client snippet on the embedded default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-dev-'));
    const { child, url, output } = await serve(dir, {
      SWITCHBOARD_JWT_SECRET: '',
      SWITCHBOARD_DATABASE_URL: `sqlite:${dir}/sb.db`,
      SWITCHBOARD_LOG_LEVEL: 'warn',
    });
    const text = output();
    expect(text).toContain('Development JWT secret generated');
    const token = text.match(/Sample token[^\n]*\n\s+(\S+)/)?.[1];
    expect(token).toBeDefined();
    expect(text).toContain("import { io } from 'socket.io-client'");
    const { connected } = await connectClient(url, { token });
    expect(connected.userId).toBe('dev-user');
    child.kill('SIGTERM');
  });
});
