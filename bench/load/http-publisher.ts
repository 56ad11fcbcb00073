/**
 * The app backend's load: POST /api/publish from the orchestrating process (not the
 * server's, not the clients'), over keep-alive connections, in one of three modes:
 * - `window`: a closed loop like server-child's pace (publish while fewer than
 *   `window` publications are undelivered), for deliveries/s;
 * - `rate`: a fixed rate, the same on both targets, for latency at equal load;
 * - `flat-out`: `concurrency` requests always in flight, whatever the sockets
 *   manage: the publisher that outruns its subscribers (back-pressure).
 */
import { Agent, request } from 'node:http';
import { now } from '../histogram.js';
import type { LoadCluster } from './cluster.js';

export interface HttpPublishOptions {
  url: string;
  apiKey: string;
  channel: string;
  durationMs: number;
  /** Deliveries one publication makes (the subscribers). */
  perItem: number;
  payloadBytes: number;
  mode: { kind: 'window'; window: number } | { kind: 'rate'; perSecond: number } | { kind: 'flat-out'; concurrency: number };
}

export interface HttpPublishResult {
  sent: number;
  /** Answered 2xx. */
  accepted: number;
  /** Answered 429 RATE_LIMITED (back-pressure). */
  refused: number;
  errors: number;
  firstError?: string;
  startedAt: number;
}

function post(agent: Agent, options: HttpPublishOptions, body: string): Promise<number> {
  const target = new URL('/api/publish', options.url);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${options.apiKey}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function publishOverHttp(cluster: LoadCluster, options: HttpPublishOptions): Promise<HttpPublishResult> {
  const { mode } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: mode.kind === 'flat-out' ? mode.concurrency : 64 });
  const pad = 'x'.repeat(options.payloadBytes);
  const base = cluster.delivered;
  const result: HttpPublishResult = { sent: 0, accepted: 0, refused: 0, errors: 0, startedAt: now() };
  const inFlight = new Set<Promise<void>>();
  const sendOne = () => {
    const body = JSON.stringify({ channel: options.channel, event: 'tick', data: { t: now(), seq: result.sent, pad } });
    result.sent += 1;
    const done: Promise<void> = post(agent, options, body).then(
      (status) => {
        if (status >= 200 && status < 300) result.accepted += 1;
        else if (status === 429) result.refused += 1;
        else {
          result.errors += 1;
          result.firstError ??= `HTTP ${status}`;
        }
      },
      (err: Error) => {
        result.errors += 1;
        result.firstError ??= err.message;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    return done;
  };
  const end = result.startedAt + options.durationMs;
  const outstanding = () => result.accepted + inFlight.size - (cluster.delivered - base) / options.perItem;
  while (now() < end) {
    if (mode.kind === 'window') {
      if (outstanding() >= mode.window) await cluster.waitForProgress(20);
      else sendOne();
    } else if (mode.kind === 'flat-out') {
      if (inFlight.size >= mode.concurrency) await Promise.race(inFlight);
      else sendOne();
    } else {
      const due = result.startedAt + (result.sent * 1000) / mode.perSecond;
      const wait = due - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else sendOne();
    }
  }
  await Promise.all(inFlight);
  // Let the last publications reach their subscribers.
  const drainBy = now() + 5000;
  while ((cluster.delivered - base) / options.perItem < result.accepted - 0.0001 && now() < drainBy) await cluster.waitForProgress(20);
  agent.destroy();
  return result;
}
