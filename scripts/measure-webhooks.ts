/**
 * Delivery figures of the outbound webhooks (issue 15's closing note), on one node with
 * the embedded SQLite store (a file in a temp dir), or PostgreSQL with --database.
 *
 *   npx tsx scripts/measure-webhooks.ts [--events 5000] [--dead-events 1000] [--dead-seconds 12]
 *                                       [--database postgres://…] [--concurrency 16]
 *
 * The receivers run in a child process (their HTTP and signature checks are not the
 * server's work); each verifies every signature with `standardwebhooks`.
 *
 * Phase 1 (throughput): one notify call to `events` users stores `events`
 * notification.created events in the same transactions as the notifications; reported:
 * time until stored, time until the receiver accepted the last one, events/s through
 * the outbox, and the latency from the event's createdAt to its arrival.
 *
 * Phase 2 (a dead endpoint): a second endpoint that refuses connections, with a
 * scaled-down retry schedule (0.5 s doubling to 4 s, a 10 s window). `dead-events`
 * events go to both; sampled once a second: the dead endpoint's queue depth and
 * attempts, the live endpoint's arrivals (is it held up?), and GET /ready.
 * Everything listens on 127.0.0.1 and stops when done (bounded by timeouts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/features.js';
import { startServer } from '../src/server.js';
import { newWebhookSecret } from '../src/webhooks/sample-event.js';

const API_KEY = 'sk_measure_0123456789abcdef';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

// ---- child: the receiver ------------------------------------------------------------

type Stats = { accepted: number; duplicates: number; invalid: number; latencies: number[] };

async function receiver(secret: string): Promise<void> {
  const verifier = new Webhook(secret);
  const seen = new Set<string>();
  const stats: Stats = { accepted: 0, duplicates: 0, invalid: 0, latencies: [] };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        const payload = verifier.verify(body, request.headers as Record<string, string>) as { id: string; createdAt: string };
        if (seen.has(payload.id)) stats.duplicates++;
        else {
          seen.add(payload.id);
          stats.accepted++;
          stats.latencies.push(Date.now() - Date.parse(payload.createdAt));
        }
        response.writeHead(204).end();
      } catch {
        stats.invalid++;
        response.writeHead(400).end();
      }
    });
  });
  // A second endpoint that takes requests and never answers (a hung backend).
  const hung = createServer(() => {});
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  server.listen(0, '127.0.0.1', () =>
    process.send?.({ port: (server.address() as AddressInfo).port, hungPort: (hung.address() as AddressInfo).port }),
  );
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'stats') process.send?.({ stats: { ...stats, latencies: message.kind === 'stats' ? stats.latencies : [] } });
    if (message.kind === 'reset') {
      stats.accepted = stats.duplicates = stats.invalid = 0;
      stats.latencies = [];
    }
    if (message.kind === 'exit') process.exit(0);
  });
}

// ---- parent: the server and the phases ----------------------------------------------

async function main(): Promise<void> {
  const events = Number(arg('events', '5000'));
  const deadEvents = Number(arg('dead-events', '1000'));
  const deadSeconds = Number(arg('dead-seconds', '12'));
  const concurrency = Number(arg('concurrency', '16'));
  const secret = newWebhookSecret();
  const child = fork(fileURLToPath(import.meta.url), ['--receiver', secret], { execArgv: ['--import', 'tsx'] });
  const ask = <T>(kind: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m: T) => resolve(m));
      child.send({ kind });
    });
  const { port, hungPort } = await new Promise<{ port: number; hungPort: number }>((resolve) => child.once('message', resolve));
  const liveUrl = `http://127.0.0.1:${port}/hooks`;
  const hungUrl = `http://127.0.0.1:${hungPort}/hung`;
  // A port that was free a moment ago: connections to it are refused.
  const deadUrl = await new Promise<string>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(`http://127.0.0.1:${free}/dead`));
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'sb-measure-webhooks-'));
  const databaseUrl = arg('database', `sqlite:${join(dir, 'store.db')}`);
  const start = async (webhooks: Array<{ url: string; secret: string; timeoutMs?: number }>) => {
    const config = loadConfig({
      env: {},
      overrides: {
        port: 0,
        host: '127.0.0.1',
        auth: { jwtSecret: 'measure-secret-with-enough-length-0123456789' },
        apiKeys: [API_KEY],
        database: { url: databaseUrl },
        log: { level: 'silent' },
        webhooks,
        webhook: { concurrency, retry: { initialDelayMs: 500, maxDelayMs: 4000, windowMs: 10_000 } },
      },
    });
    return startServer({ config, logger: pino({ level: 'silent' }) });
  };
  const notify = async (url: string, count: number, tag: string) => {
    const userIds = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
    const res = await fetch(`${url}/api/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userIds, type: 'info', title: 'measure', message: tag }),
    });
    if (res.status !== 202) throw new Error(`notify: ${res.status} ${await res.text()}`);
  };
  const waitForAccepted = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { stats } = await ask<{ stats: Stats }>('stats');
      if (stats.accepted >= count || Date.now() > deadline) return stats;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  try {
    // Phase 1
    let running = await start([{ url: liveUrl, secret }]);
    const t0 = Date.now();
    await notify(running.url, events, 'p1');
    const stored = Date.now() - t0;
    const stats = await waitForAccepted(events, 120_000);
    const total = Date.now() - t0;
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    console.log(`store: ${databaseUrl.split(':')[0]}, concurrency ${concurrency}`);
    console.log(`phase 1: ${events} notification.created events`);
    console.log(`  stored (with the notifications) in ${stored} ms; last accepted after ${total} ms`);
    console.log(
      `  ${Math.round((stats.accepted / total) * 1000)} events/s through the outbox; ${stats.accepted} accepted, ${stats.duplicates} duplicates, ${stats.invalid} bad signatures`,
    );
    console.log(`  createdAt → arrival: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`);
    await running.stop();

    // Phase 2
    child.send({ kind: 'reset' });
    running = await start([
      { url: liveUrl, secret },
      { url: deadUrl, secret },
      { url: hungUrl, secret, timeoutMs: 1000 },
    ]);
    await notify(running.url, deadEvents, 'p2');
    console.log(
      `phase 2: ${deadEvents} events to a live endpoint, a dead one (connection refused) and a hung one (no answer, timeoutMs 1000); retries 0.5 s doubling to 4 s, window 10 s`,
    );
    const t1 = Date.now();
    for (let second = 1; second <= deadSeconds; second++) {
      await new Promise((r) => setTimeout(r, 1000));
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      const value = (name: string, url: string) =>
        Number(metrics.match(new RegExp(`^${name}\\{[^}]*endpoint="${url.replace(/[/.:]/g, '\\$&')}"[^}]*\\} (\\S+)$`, 'm'))?.[1] ?? 0);
      const figures = (url: string) =>
        `queue ${value('switchboard_webhook_queue_depth', url)}, attempts ${value('switchboard_webhook_attempts_failed_total', url)}, given up ${value('switchboard_webhook_failed_total', url)}`;
      const ready = (await fetch(`${running.url}/ready`)).status;
      const { stats: live } = await ask<{ stats: Stats }>('stats');
      console.log(
        `  t=${String(Math.round((Date.now() - t1) / 1000)).padStart(2)} s  dead: ${figures(deadUrl)} | hung: ${figures(hungUrl)} | live: ${live.accepted}/${deadEvents} accepted | /ready ${ready}`,
      );
    }
    await running.stop();
  } finally {
    child.send({ kind: 'exit' });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--receiver') await receiver(process.argv[3] as string);
else await main();
