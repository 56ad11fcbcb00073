/**
 * The README's "What it does" commands work as pasted on a fresh server started as the
 * README says (`npm start -- --config examples/config.json`, in a fresh folder): the
 * lines between its readme-test markers run in bash with the KEY the banner printed;
 * each curl must succeed (2xx), and a client of user 42 receives what they send.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/sign-token.js';
import { cleanEnv, serveCli } from '../support/cli.js';
import { connectClient, emitAck, nextEvent, nextEventArgs } from '../support/client.js';

function readmeCommands(): string {
  const readme = readFileSync('README.md', 'utf8');
  const block = readme.split('<!-- readme-test:start')[1]?.split('<!-- readme-test:end -->')[0] ?? '';
  return (block.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '').trim();
}

describe('README', () => {
  it('"What it does" works as pasted against a fresh server with the sample config', async () => {
    const commands = readmeCommands();
    expect(commands).toContain('curl');
    const dir = mkdtempSync(join(tmpdir(), 'sb-readme-'));
    const server = await serveCli(dir, cleanEnv(), ['--config', resolve('examples/config.json')]);
    const key = server.output().match(/export KEY=(\S+)/)?.[1] as string;
    const secret = server.output().match(/Development JWT secret generated: (\S+)/)?.[1] as string;
    const { socket } = await connectClient(server.url, { token: await signToken({ secret, sub: '42' }) });
    const notified = nextEvent<{ title: string }>(socket, 'notification');

    // The README's host:port is the default one; this server listens on a free port. Each
    // curl fails the script on an HTTP error (--fail) and runs in order (set -e).
    const script = `set -euo pipefail\n${commands.replaceAll('localhost:3000', `127.0.0.1:${server.port}`).replaceAll('curl ', 'curl --fail -sS ')}`;
    const run = spawnSync('bash', ['-c', script], { env: { ...process.env, KEY: key }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect((await notified).title).toBe('📊 Report Ready');

    // The member subscribes and sees the README's publication in its history.
    const sub = await emitAck<{ missed: Array<{ event: string; data: unknown }> }>(socket, 'subscribe', { channel: 'trip:1', since: 0 });
    expect(sub).toMatchObject({ ok: true, data: { missed: [{ event: 'trip:updated', data: { name: 'Lisbon' } }] } });
    const live = nextEventArgs(socket, 'trip:updated');
    await fetch(`${server.url}/api/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'trip:1', event: 'trip:updated', data: { name: 'Porto' } }),
    });
    expect((await live)[0]).toEqual({ name: 'Porto' });
  });
});
