/** A stock python-socketio client (Debian's python3-socketio) speaks to Switchboard unchanged. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testCluster } from '../support/cluster.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { IN_CI, postgresUnavailable, redisUnavailable } from '../support/services.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./python_client.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import socketio, websocket, requests'], { encoding: 'utf8' });
const missing = probe.status !== 0 ? (probe.stderr || probe.error?.message || 'not importable').trim() : undefined;
if (missing && IN_CI) throw new Error(`python-socketio is required in CI (scripts/install-test-deps.sh): ${missing}`);
if (missing) console.warn(`\n!!! SKIPPING python-socketio interop: ${missing}. Run scripts/install-test-deps.sh.\n`);

const noCluster = missing ?? (await redisUnavailable()) ?? (await postgresUnavailable());

/** A single node, or a node of a cluster on the Redis streams adapter (`redis.adapter: streams`). */
const servers: Array<[string, boolean, () => Promise<TestServer>]> = [
  ['one node', false, () => startTestServer()],
  ['a node on the Redis streams adapter', noCluster !== undefined, () => testCluster({ adapter: 'streams' }).node()],
];

describe.skipIf(missing !== undefined).each(servers)('python-socketio client against %s', (_name, skip, start) => {
  it.skipIf(skip).each(['websocket', 'polling'])('connects over %s, gets connected, and round-trips acks', async (transport) => {
    const server = await start();
    const token = await server.token('py-user');
    const result = await new Promise<ReturnType<typeof spawnSync>>((resolve) => {
      // spawnSync would block the server's own event loop; run it off-thread via a child.
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(PYTHON, [script, server.url, token, transport], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (status) => resolve({ status, stdout, stderr } as never));
      });
    });
    expect(result.status, String(result.stderr)).toBe(0);
    const out = JSON.parse(String(result.stdout));
    expect(out.connected).toMatchObject({ userId: 'py-user', isLoggedIn: true, roles: [] });
    expect(out.ping_ack).toMatchObject({ ok: true, data: { timestamp: expect.any(String) } });
    expect(out.echo_ack).toMatchObject({ ok: true, data: { received: { hello: 'from python' } } });
    expect(out.bad_ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(out.pong).toHaveProperty('timestamp');
  });
});
