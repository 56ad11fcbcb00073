/**
 * A Redis of the test's own: `redis-server` on a free port, without persistence, that
 * the test may kill and start again on the same port (a restart loses every key, as
 * a Redis without persistence does). Never the machine's Redis on 6379.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { onCleanup } from './cleanup.js';
import { IN_CI } from './services.js';

const REDIS_SERVER = process.env.SWITCHBOARD_TEST_REDIS_SERVER ?? 'redis-server';

/** undefined when `redis-server` can be run, else why not; throws in CI. */
export function redisServerUnavailable(): string | undefined {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  const reason = probe.status === 0 ? undefined : (probe.error?.message ?? probe.stderr ?? 'not runnable');
  if (reason && IN_CI) throw new Error(`redis-server is required in CI: ${reason}`);
  if (reason) console.warn(`\n!!! SKIPPING tests that restart Redis: ${REDIS_SERVER} cannot run (${reason}).\n`);
  return reason;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Starts it (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: no goodbye to clients); resolves once the process is gone. */
  kill(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Starts a redis-server on a free port; it is killed after the test. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const own: OwnRedis = {
    port,
    url,
    async start() {
      if (child) return;
      const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      for (let attempt = 0; attempt < 200; attempt++) {
        if (await answers(url)) return;
        if (started.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${started.exitCode}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`redis-server on port ${port} did not answer`);
    },
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGKILL');
      await exited;
    },
  };
  onCleanup(() => own.kill());
  await own.start();
  return own;
}
