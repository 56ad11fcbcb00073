/**
 * The operator commands against a real server started by `switchboard serve` in a fresh
 * folder: they find the development API key and JWT secret there (as the banner says),
 * publish, notify, listen (a live socket printing publications) and report status.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import { onCleanup } from '../support/cleanup.js';
import { cleanEnv, runCli, type ServingCli, serveCli } from '../support/cli.js';
import { connectClient, nextEvent } from '../support/client.js';
import { waitUntil } from '../support/wait.js';

const SAMPLE_CONFIG = resolve('examples/config.json');
const MAIN = resolve('src/cli/main.ts');
const TSX = import.meta.resolve('tsx');

async function freshServer(): Promise<{ dir: string; server: ServingCli; cli: (...args: string[]) => ReturnType<typeof runCli> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-operator-'));
  const server = await serveCli(dir, cleanEnv(), ['--config', SAMPLE_CONFIG]);
  const cli = (...args: string[]) => runCli(dir, cleanEnv(), [...args, '--url', server.url, '--config', SAMPLE_CONFIG]);
  return { dir, server, cli };
}

describe('operator commands', () => {
  it('publish, notify and status reach the running server with the development key', async () => {
    const { server, cli } = await freshServer();
    const secret = server.output().match(/Development JWT secret generated: (\S+)/)?.[1] as string;
    const { socket } = await connectClient(server.url, { token: await signToken({ secret, sub: '42' }) });

    const notified = nextEvent<{ title: string; message: string }>(socket, 'notification');
    const notify = cli('notify', '42', '--title', 'Order shipped', '--message', 'Arrives Friday');
    expect(notify.status, notify.stderr).toBe(0);
    expect(JSON.parse(notify.stdout)).toMatchObject({ ok: true, count: 1 });
    expect(await notified).toMatchObject({ title: 'Order shipped', message: 'Arrives Friday' });

    const published = cli('publish', 'news:1', 'headline', '{"title":"Hello"}');
    expect(published.status, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ ok: true, offset: 1 });

    const status = cli('status');
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/health: +ok/);
    expect(status.stdout).toMatch(/ready: +yes/);
    expect(status.stdout).toMatch(/nodes: +1/);
    expect(status.stdout).toMatch(/connections: +1 \(1 users\)/);

    // Refusals print the server's code and exit 1; bad input is caught before any request.
    const refused = runCli(tmpdir(), { ...cleanEnv(), SWITCHBOARD_API_KEY: 'sk_wrong' }, ['publish', 'news:1', 'x', '--url', server.url]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('AUTH_INVALID');
    expect(cli('publish', 'news:1', 'x', '{not json').stderr).toContain('must be JSON');
  });

  it('listen prints the stored publications after --since, then each new one as it arrives', async () => {
    const { dir, server, cli } = await freshServer();
    expect(cli('publish', 'news:1', 'headline', '{"n":1}').status).toBe(0);

    const child = spawn(
      process.execPath,
      ['--import', TSX, MAIN, 'listen', 'news:1', '--since', '0', '--url', server.url, '--config', SAMPLE_CONFIG],
      {
        cwd: dir,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onCleanup(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await waitUntil(() => err.includes('listening to news:1'), `listen to subscribe (${err})`, 20_000);

    expect(cli('publish', 'news:1', 'headline', '{"n":2}').status).toBe(0);
    await waitUntil(() => out.trim().split('\n').length >= 2, `two publications (${out})`, 20_000);
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toMatchObject([
      { channel: 'news:1', event: 'headline', offset: 1, data: { n: 1 } },
      { channel: 'news:1', event: 'headline', offset: 2, data: { n: 2 } },
    ]);
    child.kill('SIGINT');
    await waitUntil(() => child.exitCode !== null, 'listen to stop on Ctrl-C');
    expect(child.exitCode).toBe(0);
  });

  it.each(['publish', 'notify', 'listen', 'status'])('%s --help says what it does and how to point it at a server', (command) => {
    const help = runCli('.', cleanEnv(), [command, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--url');
    expect(help.stdout).toContain(`Usage: switchboard ${command}`);
  });
});
