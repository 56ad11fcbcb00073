/**
 * Several real nodes in one test (docs/scaling.md): each a full server with its own
 * Socket.IO server and port, all on one PostgreSQL schema of the test's own and one
 * Redis key prefix. Nodes run in this process (`node()`, quick, inspectable) or in
 * child processes (`spawn()`, which a test can SIGKILL, and whose exit proves a crash).
 * Also a TCP proxy that a test can cut, to simulate an unreachable service.
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Socket as NetSocket, connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type SignTokenOptions, signToken } from '../../src/auth/sign-token.js';
import type { SwitchboardConfigInput } from '../../src/config/schema.js';
import { BUILTIN_FEATURES, loadConfigFor, migrationsFor } from '../../src/features.js';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { onCleanup } from './cleanup.js';
import { type ConnectOptions, connectClient } from './client.js';
import { startTestServer, TEST_API_KEY, TEST_SECRET, type TestServer, testConfigOverrides } from './server.js';
import { PG_URL, REDIS_URL, redisTestPrefix } from './services.js';

export interface TestClusterOptions {
  /** The Redis the nodes use (a test's own, see redis-server.ts); @default the machine's, under a random prefix */
  redisUrl?: string;
  /** The Socket.IO adapter every node uses (`redis.adapter`); @default 'pubsub' */
  adapter?: 'pubsub' | 'streams';
}

/** What a test can do with any node, in this process or a child. */
export interface ClusterNode {
  readonly url: string;
  readonly nodeId: string;
  token(sub: string, options?: Partial<SignTokenOptions>): Promise<string>;
  connect(sub: string, options?: ConnectOptions & { roles?: string[] }): ReturnType<typeof connectClient>;
  /** An HTTP request over the wire (child nodes) or in-process (in-process nodes). */
  request(method: string, path: string, options?: RequestOptions): Promise<{ status: number; body: any }>;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  apiKey?: boolean;
  headers?: Record<string, string>;
}

/** A node in a child process. */
export interface ChildNode extends ClusterNode {
  readonly pid: number;
  /** Set once the process has exited (code or signal). */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the node logged (stderr), for failure messages. */
  readonly log: () => string;
  /** SIGKILL: no goodbye, no cleanup (a crash). */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop of `switchboard serve`. */
  stop(): Promise<void>;
}

export interface TestCluster {
  readonly prefix: string;
  /** The PostgreSQL schema every node shares. */
  readonly pgSchema: string;
  /** A command client on the nodes' Redis (keys under `prefix`). */
  readonly redis: Redis;
  /** The shared store, opened by the test itself (to check what was written). */
  store(): Promise<Store>;
  /** Starts one more node in this process. */
  node(config?: SwitchboardConfigInput): Promise<TestServer>;
  /** Starts one more node in a child process. */
  spawn(config?: SwitchboardConfigInput): Promise<ChildNode>;
}

const NODE_ENTRY = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));
const TEST_CONFIG = loadConfigFor(BUILTIN_FEATURES, { env: {}, overrides: testConfigOverrides() });

function tokenFor(sub: string, options: Partial<SignTokenOptions> = {}): Promise<string> {
  return signToken({ secret: TEST_SECRET, sub, issuer: TEST_CONFIG.auth.issuer, audience: TEST_CONFIG.auth.audience, ...options });
}

/** A cluster context for one test; every node and the schema are gone after it. */
export function testCluster(options: TestClusterOptions = {}): TestCluster {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  let prefix: string;
  let redis: Redis;
  if (options.redisUrl) {
    prefix = `sbtest:${randomBytes(5).toString('hex')}:`;
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    onCleanup(() => redis.disconnect());
  } else {
    ({ prefix, client: redis } = redisTestPrefix());
  }
  const pgSchema = `sb_cluster_${randomBytes(5).toString('hex')}`;

  // One store of the test's own creates the schema and runs the migrations once, so
  // nodes starting together never race to create them.
  let shared: Promise<Store> | undefined;
  const store = () => {
    shared ??= (async () => {
      const opened = createStore(PG_URL, { schema: pgSchema });
      onCleanup(async () => {
        await opened.close();
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`drop schema if exists ${pgSchema} cascade`);
        await client.end();
      });
      await opened.migrate(migrationsFor());
      return opened;
    })();
    return shared;
  };
  const nodeConfig = (config: SwitchboardConfigInput): SwitchboardConfigInput => ({
    ...config,
    redis: { url: redisUrl, keyPrefix: prefix, adapter: options.adapter ?? 'pubsub', ...config.redis },
  });

  return {
    prefix,
    pgSchema,
    redis,
    store,
    async node(config = {}) {
      await store();
      const own = createStore(PG_URL, { schema: pgSchema });
      // Registered first, so it closes after the node stopped (cleanups run newest first).
      onCleanup(() => own.close());
      return startTestServer({ config: nodeConfig(config), store: own });
    },
    async spawn(config = {}) {
      await store();
      return spawnNode(nodeConfig(config), pgSchema);
    },
  };
}

async function spawnNode(config: SwitchboardConfigInput, pgSchema: string): Promise<ChildNode> {
  const child: ChildProcess = spawnProcess(process.execPath, ['--import', 'tsx', NODE_ENTRY], {
    env: { ...process.env, SB_TEST_NODE: JSON.stringify({ config, pgSchema }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  let exit: ChildNode['exit'];
  const exited = new Promise<NonNullable<ChildNode['exit']>>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  onCleanup(async () => {
    if (exit) return;
    child.kill('SIGKILL');
    await exited;
  });

  const ready = await new Promise<{ url: string; nodeId: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`node did not start in 30 s:\n${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('SB_TEST_NODE_READY '));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('SB_TEST_NODE_READY '.length)));
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`node exited at start (${e.code ?? e.signal}):\n${stderr}`));
    });
  });

  return {
    ...ready,
    pid: child.pid as number,
    get exit() {
      return exit;
    },
    exited,
    log: () => stderr,
    token: tokenFor,
    async connect(sub, opts = {}) {
      return connectClient(ready.url, { ...opts, token: opts.token ?? (await tokenFor(sub, { roles: opts.roles })) });
    },
    request: (method, path, opts) => wireRequest(ready.url, method, path, opts),
    async kill() {
      if (!exit) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!exit) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A request over HTTP to a node (used for child nodes). */
export async function wireRequest(
  url: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers.authorization = `Bearer ${TEST_API_KEY}`;
  else if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON bodies (metrics) stay text
  }
  return { status: response.status, body: parsed };
}

/**
 * A TCP proxy to a service (Redis by default): `url` to connect through it, `cut()`
 * to drop every connection and refuse new ones, `restore()` to listen again on the
 * same port.
 */
export async function tcpProxy(
  target: string = REDIS_URL,
  scheme = 'redis',
): Promise<{ url: string; port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const to = new URL(target);
  const open = new Set<NetSocket>();
  let server = createServer();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = netConnect(Number(to.port), to.hostname);
        for (const s of [client, upstream]) {
          open.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => open.delete(s));
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const port = await listen(0);
  let closed: Promise<void> | undefined;
  const cut = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of open) s.destroy();
    });
    return closed;
  };
  onCleanup(cut);
  const auth = to.username ? `${to.username}${to.password ? `:${to.password}` : ''}@` : '';
  return {
    url: `${scheme}://${auth}127.0.0.1:${port}${to.pathname}`,
    port,
    cut,
    async restore() {
      await closed;
      closed = undefined;
      await listen(port);
    },
  };
}

/** A TCP proxy to the machine's Redis (see `tcpProxy`). */
export function redisProxy() {
  return tcpProxy(REDIS_URL, 'redis');
}

export { waitUntil } from './wait.js';
