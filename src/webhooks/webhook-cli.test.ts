/**
 * `switchboard webhook verify` and `webhook secret`, the real CLI in a child process
 * against a receiver that verifies the signature; the endpoint comes from flags or from
 * SWITCHBOARD_WEBHOOK_URL / SWITCHBOARD_WEBHOOK_SECRET.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, onCleanup } from '../../test/support/cleanup.js';
import { cleanEnv } from '../../test/support/cli.js';
import { startWebhookReceiver } from '../../test/support/webhook-receiver.js';
import { loadConfig } from '../features.js';

afterEach(cleanupAll);

const MAIN = resolve('src/cli/main.ts');
const TSX = import.meta.resolve('tsx');

/** Runs the CLI without blocking this process (the receiver must answer meanwhile). */
function cli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'sb-webhook-cli-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.once('exit', (status) => done({ status, stdout, stderr })));
}

describe('switchboard webhook', () => {
  it('verify posts a signed sample the receiver verifies, and exits by its answer', async () => {
    const receiver = await startWebhookReceiver();
    const ok = await cli(['webhook', 'verify', '--url', receiver.url, '--secret', receiver.secret, '--type', 'message.created']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]?.payload).toMatchObject({ type: 'message.created', data: { recipients: [{ online: false }] } });
    expect(ok.stdout).toContain(`webhook-id ${receiver.accepted[0]?.webhookId}: 204 (accepted)`);

    receiver.answer(() => 500);
    const refused = await cli(
      ['webhook', 'verify'],
      cleanEnv({ SWITCHBOARD_WEBHOOK_URL: receiver.url, SWITCHBOARD_WEBHOOK_SECRET: receiver.secret }),
    );
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('HTTP 500');
    expect(receiver.attempts.at(-1)?.payload.type).toBe('user.online');
    expect(receiver.invalid).toEqual([]);
  });

  it('secret prints a secret the config accepts', async () => {
    const { status, stdout } = await cli(['webhook', 'secret']);
    expect(status).toBe(0);
    const secret = stdout.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(
      loadConfig({ env: { SWITCHBOARD_WEBHOOK_URL: 'https://example.com/hooks', SWITCHBOARD_WEBHOOK_SECRET: secret } }).webhook.secret,
    ).toBe(secret);
  });
});
