/**
 * Load for cluster tests: publishers on every node in a loop (HTTP POST /api/publish,
 * optionally /api/notify), subscribers that record each publication into a
 * DeliveryChecker, and a tally of every HTTP answer, so a test can state "no 500,
 * ever" and the checker can count what was lost, duplicated or late.
 */
import type { TestSocket } from './client.js';
import type { ClusterNode } from './cluster.js';
import type { DeliveryChecker, SubscriberLog } from './delivery-checker.js';

export interface TrafficOptions {
  checker: DeliveryChecker;
  /** The channel published on (one with history, so every publication has an offset). */
  channel: string;
  /** @default 'load' */
  event?: string;
  /** Also POST /api/notify to these users, every `notifyEvery`-th round; @default none */
  notifyUserIds?: string[];
  /** @default 4 */
  notifyEvery?: number;
  /** Publisher loops per node; @default 1 */
  loopsPerNode?: number;
}

export interface TrafficTally {
  /** HTTP status → count, over every request made. */
  statuses: Record<number, number>;
  /** Error code → count, over every error answer. */
  codes: Record<string, number>;
  /** Requests that threw (connection refused, timeout): the node did not answer. */
  failures: number;
  /** Ids of notifications whose POST /api/notify was answered with success. */
  notified: string[];
  requests: number;
}

export interface Traffic {
  readonly tally: TrafficTally;
  /** Resolves once at least `n` more requests have been answered (or failed) from now. */
  requests(n: number): Promise<void>;
  /** Ends every loop and resolves with the tally. */
  stop(): Promise<TrafficTally>;
}

const MAX_ROUNDS = 100_000;

/** Starts publishing from every node until `stop()`. */
export function startTraffic(nodes: ClusterNode[], options: TrafficOptions): Traffic {
  const tally: TrafficTally = { statuses: {}, codes: {}, failures: 0, notified: [], requests: 0 };
  const event = options.event ?? 'load';
  let running = true;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  const counted = () => {
    tally.requests++;
    for (const waiter of waiters.splice(0)) {
      if (tally.requests >= waiter.at) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  const record = (res: { status: number; body: any }) => {
    tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
    const code = res.body?.error?.code;
    if (code) tally.codes[code] = (tally.codes[code] ?? 0) + 1;
  };
  const call = async (node: ClusterNode, path: string, body: unknown) => {
    try {
      const res = await node.request('POST', path, { apiKey: true, body });
      record(res);
      return res;
    } catch {
      tally.failures++;
      return undefined;
    } finally {
      counted();
    }
  };

  const loop = async (node: ClusterNode, index: number) => {
    for (let round = 0; running && round < MAX_ROUNDS; round++) {
      const res = await call(node, '/api/publish', { channel: options.channel, event, data: { from: node.nodeId, index, round } });
      if (res?.status === 200 && typeof res.body.offset === 'number') options.checker.acknowledged(options.channel, res.body.offset);
      if (options.notifyUserIds && round % (options.notifyEvery ?? 4) === 0) {
        const sent = await call(node, '/api/notify', { userIds: options.notifyUserIds, type: 'info', title: 'load', message: `${round}` });
        if (sent?.status === 200 || sent?.status === 202) tally.notified.push(...(sent.body.ids as string[]));
      }
      // Let the subscribers' sockets and the test's own waits in between rounds.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const loops = nodes.flatMap((node) => Array.from({ length: options.loopsPerNode ?? 1 }, (_, i) => loop(node, i)));

  return {
    tally,
    requests(n) {
      const at = tally.requests + n;
      return new Promise((resolve) => waiters.push({ at, resolve }));
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      for (const waiter of waiters.splice(0)) waiter.resolve();
      return tally;
    },
  };
}

/** Records every publication of `channel` (event `event`) a socket receives into `log`. */
export function recordPublications(socket: TestSocket, log: SubscriberLog, channel: string, event = 'load'): void {
  (socket as any).on(event, (_data: unknown, meta: { channel: string; offset: number }) => {
    if (meta?.channel === channel) log.received(channel, meta.offset);
  });
}
