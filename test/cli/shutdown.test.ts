/** The real CLI: `switchboard serve` on SIGTERM with connected clients exits 0 in time. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import { onCleanup } from '../support/cleanup.js';
import { connectClient, emitAck } from '../support/client.js';
import { TEST_SECRET } from '../support/server.js';

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

describe('switchboard serve', () => {
  it('SIGTERM with connected clients: clients are told to reconnect, exit code 0 within the bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-serve-'));
    const { child, url } = await serve({
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
    const { child, url, output } = await serve({
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
