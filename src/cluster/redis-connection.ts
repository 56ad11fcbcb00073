/**
 * The Redis clients of a clustered node: one command client (presence, rate limits,
 * PING for /ready) and the publish/subscribe pair that Socket.IO's Redis adapter
 * needs (a subscribed connection cannot run other commands). Clients connect lazily,
 * retry forever with a capped back-off, and log errors instead of crashing.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../core/logger.js';

export interface RedisClients {
  /** Commands: presence scripts, rate-limit counters, PING. */
  readonly command: Redis;
  /** Publishes adapter packets. */
  readonly pub: Redis;
  /** Subscribed to the adapter channels. */
  readonly sub: Redis;
  /** Connects all three; rejects with a message naming Redis when it is unreachable. */
  connect(): Promise<void>;
  /**
   * The client for @socket.io/redis-streams-adapter (which makes its own reading and
   * subscribing duplicates of it): the publishing client, whose duplicates get the
   * same failure handling and are closed by `close()`.
   */
  streamsClient(): Redis;
  /** PING with a bound, for /ready: rejects when Redis does not answer in time. */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes all three (QUIT, then a hard disconnect if QUIT cannot be sent). */
  close(): Promise<void>;
}

/** Told of each fire-and-forget Redis call that failed (an emit lost during an outage). */
export type LostCallListener = (operation: string, err: Error) => void;

/** The URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Socket.IO's Redis adapter publishes (emits, requests) and (un)subscribes without
 * waiting for the answer, so a command that fails during an outage (ioredis's
 * MaxRetriesPerRequestError) would be an unhandled rejection, which ends the process
 * on Node 20. These calls get a handler where they are made: the failure is reported
 * (logged once per outage, counted) and the promise still rejects for any caller that
 * does wait for it. What is lost is an emit to other nodes; the store stays the
 * truth, and clients catch up from it (`subscribe { since }`, the inbox).
 */
function reportFailures(client: Redis, methods: readonly string[], onLost: LostCallListener): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    const original = target[method] as (...args: unknown[]) => unknown;
    target[method] = (...args: unknown[]) => {
      const result = original.apply(client, args);
      if (typeof (result as Promise<unknown> | undefined)?.catch === 'function') {
        (result as Promise<unknown>).catch((err: Error) => onLost(method, err));
      }
      return result;
    };
  }
}

/** Creates the clients without connecting them (`connect()` does). */
export function createRedisClients(
  url: string,
  logger: Logger,
  options: { connectTimeoutMs?: number; onLost?: LostCallListener } = {},
): RedisClients {
  const where = redactRedisUrl(url);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const base: RedisOptions = {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    // Reconnect forever, backing off up to 2 s; /ready reports the outage meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    // A command waiting through an outage fails after a few reconnect attempts
    // instead of hanging an ack until Redis is back.
    maxRetriesPerRequest: 2,
  };

  const clients: Array<[string, Redis]> = [
    // Presence, deadlines and rate limits fail at once while Redis is away (UNAVAILABLE,
    // or the rate limiter's memory fallback) instead of holding requests for retries.
    ['command', new Redis(url, { ...base, connectionName: 'switchboard', enableOfflineQueue: false })],
    ['pub', new Redis(url, { ...base, connectionName: 'switchboard-pub' })],
    // The subscriber's commands are (re)subscriptions: let them wait for the reconnect.
    ['sub', new Redis(url, { ...base, connectionName: 'switchboard-sub', maxRetriesPerRequest: null })],
  ];
  for (const [role, client] of clients) {
    // Log the first error of an outage and the recovery, not every retry.
    let failing = false;
    client.on('error', (err: Error) => {
      if (failing) return;
      failing = true;
      logger.error({ err, redis: where, client: role }, 'Redis connection error');
    });
    client.on('ready', () => {
      if (failing) logger.info({ redis: where, client: role }, 'Redis connection restored');
      failing = false;
    });
  }
  const [command, pub, sub] = clients.map(([, client]) => client) as [Redis, Redis, Redis];
  let losing = false;
  const onLost: LostCallListener = (operation, err) => {
    options.onLost?.(operation, err);
    if (losing) return;
    losing = true;
    logger.error(
      { err, redis: where, operation },
      'Redis call of the Socket.IO adapter failed: emits to other nodes are lost until Redis is back',
    );
  };
  pub.on('ready', () => {
    losing = false;
  });
  reportFailures(pub, ['publish'], onLost);
  reportFailures(sub, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'], onLost);
  const duplicates: Redis[] = [];
  let streamsReady = false;

  return {
    command,
    pub,
    sub,
    async connect() {
      try {
        await withTimeout(Promise.all(clients.map(([, client]) => client.connect())), connectTimeoutMs + 1000, 'Redis connect');
      } catch (err) {
        for (const [, client] of clients) client.disconnect();
        throw new Error(`Redis unreachable at ${where}: ${(err as Error).message}`, { cause: err });
      }
    },
    streamsClient() {
      if (!streamsReady) {
        streamsReady = true;
        // The streams adapter also SETs sessions and PUBLISHes requests without waiting.
        reportFailures(pub, ['set', 'spublish'], onLost);
        const duplicate = pub.duplicate.bind(pub);
        pub.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
          const copy = duplicate(...args);
          reportFailures(copy, ['subscribe', 'ssubscribe', 'unsubscribe'], onLost);
          duplicates.push(copy);
          return copy;
        }) as Redis['duplicate'];
      }
      return pub;
    },
    async ping(timeoutMs = 2000) {
      if (command.status !== 'ready') throw new Error(`Redis not connected (${command.status})`);
      await withTimeout(command.ping(), timeoutMs, 'Redis PING');
    },
    async close() {
      // The streams adapter's readers block in XREAD: end them first, at once.
      for (const copy of duplicates.splice(0)) copy.disconnect();
      await Promise.all(
        clients.map(async ([, client]) => {
          if (client.status === 'end') return;
          try {
            if (client.status === 'ready') await withTimeout(client.quit(), 2000, 'Redis QUIT');
            else client.disconnect();
          } catch {
            client.disconnect();
          }
        }),
      );
    },
  };
}
