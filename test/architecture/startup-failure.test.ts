/**
 * Start-up failure at each step: the steps before it are undone (no Redis socket,
 * store, timer or listener is left open, so the process exits by itself with nothing
 * calling process.exit), and the error names the step and the config key or service.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REDIS_URL, redisUnavailable } from '../support/services.js';

/** Runs the scenario; resolves when the child exits by itself (bounded: it is killed after 20 s). */
function failAt(scenario: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/architecture/fail-at.ts', scenario], {
    env: { ...process.env, SWITCHBOARD_TEST_REDIS_URL: REDIS_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

const noRedis = await redisUnavailable();

describe('start-up failure', () => {
  it.each([
    ['store', /failed at "store" \(check database\.url\)/],
    ['store-unreachable', /failed at "store" \(check database\.url\): .*ECONNREFUSED/],
    ['redis', /failed at "redis" \(check redis\.url\): Redis unreachable/],
  ])('at %s: exits by itself and names the key', async (scenario, message) => {
    const result = await failAt(scenario);
    expect(result.signal, `did not exit by itself:\n${result.stderr}`).toBeNull();
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
  });

  it.skipIf(noRedis).each([
    // A bad public key after Redis connected: the three Redis sockets are closed.
    ['auth', /failed at "auth" \(check auth\.jwtPublicKey\): auth\.jwtPublicKey: not a PEM public key/],
    ['feature', /failed at "feature broken": the broken feature cannot start/],
    // The ticker service started first is stopped again.
    ['services', /failed at "services": service "broken-service" failed to start: broken-service could not bind/],
  ])('at %s (with Redis connected): exits by itself and names the cause', async (scenario, message) => {
    const result = await failAt(scenario);
    expect(result.signal, `did not exit by itself:\n${result.stderr}`).toBeNull();
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
  });
});
