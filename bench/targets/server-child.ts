/**
 * Entry of a server child process (one per target per scenario): starts the target
 * named in BENCH_TARGET and drives server-initiated load on request.
 *
 * Pacing (`pace`): a closed loop with a window. The driver sends items (a publish,
 * a broadcast, a notify) while fewer than `window` items are outstanding, where
 * outstanding = sent − delivered ÷ recipientsPerItem, and `delivered` is the sum of
 * the workers' receive counters relayed by the parent. So the server publishes as
 * fast as the clients keep up, with a bounded queue in between.
 */
import { now } from '../histogram.js';
import { type IpcMessage, notifyParent, serveRequests } from '../ipc.js';
import { createBareTarget } from './bare.js';
import { createSwitchboardTarget } from './switchboard.js';
import type { BenchTarget, TargetOptions } from './target.js';

export type PaceKind = 'publish' | 'broadcast' | 'notify';

export interface PaceRequest {
  kind: PaceKind;
  durationMs: number;
  /** Items allowed in flight. */
  window: number;
  /** Deliveries one item makes (subscribers for fan-out, 1 for notify). */
  perItem: number;
  /** Channel for `publish`. */
  channel?: string;
  /** Recipients for `notify`, taken round-robin. */
  users?: string[];
  /** Size of the padding string in each item. */
  payloadBytes: number;
}

export interface PaceResult {
  sent: number;
  errors: number;
  startedAt: number;
  drained: boolean;
}

const options = JSON.parse(process.env.BENCH_TARGET ?? '{"target":"bare"}') as TargetOptions;
let delivered = 0;
let wake: (() => void) | undefined;

function waitForProgress(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

function sendItem(target: BenchTarget, request: PaceRequest, seq: number, pad: string): unknown {
  const t = now();
  if (request.kind === 'publish') return target.publish(request.channel ?? 'bench:1', 'tick', { t, seq, pad });
  // broadcast has only strings: the timestamp leads the message text.
  if (request.kind === 'broadcast') return target.broadcast('tick', `${t} ${pad}`);
  const users = request.users ?? [];
  return target.notify(users[seq % users.length] ?? '0', 'tick', pad, { t, seq });
}

async function pace(target: BenchTarget, request: PaceRequest): Promise<PaceResult> {
  const pad = 'x'.repeat(request.payloadBytes);
  const base = delivered;
  let sent = 0;
  let errors = 0;
  const outstanding = () => sent - (delivered - base) / request.perItem;
  const startedAt = now();
  const end = startedAt + request.durationMs;
  while (now() < end) {
    if (outstanding() >= request.window) {
      await waitForProgress(20);
      continue;
    }
    const result = sendItem(target, request, sent, pad);
    sent += 1;
    if (result instanceof Promise) result.catch(() => errors++);
    // Let IPC progress and socket writes in between bursts.
    if (sent % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const drainBy = now() + 5000;
  while (outstanding() > 0.0001 && now() < drainBy) await waitForProgress(20);
  return { sent, errors, startedAt, drained: outstanding() <= 0.0001 };
}

async function main(): Promise<void> {
  const target = options.target === 'bare' ? await createBareTarget(options) : await createSwitchboardTarget(options);
  serveRequests(
    {
      pace: (message) => pace(target, message as unknown as PaceRequest),
      // One call to many users: the clock starts before the call, the workers stop it.
      notifyMany: async (message) => {
        const users = message.users as string[];
        const startedAt = now();
        await target.notifyMany(users, 'tick', 'x'.repeat(40), { t: startedAt, seq: 0 });
        return { startedAt, calledMs: now() - startedAt };
      },
      memory: () => {
        (globalThis as { gc?: () => void }).gc?.();
        const usage = process.memoryUsage();
        return { rss: usage.rss, heapUsed: usage.heapUsed };
      },
      stop: async () => {
        await target.stop();
        setImmediate(() => process.exit(0));
        return true;
      },
    },
    (message: IpcMessage) => {
      if (message.type === 'delivered') {
        delivered = Number(message.total);
        wake?.();
      }
    },
  );
  notifyParent('ready', { url: target.url, features: target.features });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
