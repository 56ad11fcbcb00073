/**
 * Takes the screenshots of docs/dashboard.md in headless Chromium: a Switchboard on
 * 127.0.0.1 with some demo traffic (users on websocket and polling, channels with
 * subscribers and history, a few errors and refused handshakes), the dashboard
 * signed in with an API key.
 *
 *   npx tsx scripts/dashboard-screenshots.ts [--out docs/images] [--chromium /usr/bin/chromium]
 *
 * Writes dashboard-sign-in.png, dashboard-overview.png, dashboard-user.png and
 * dashboard-confirm.png. Bounded: every wait has a timeout, the run stops after 2 minutes.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../src/auth/sign-token.js';
import { loadConfig } from '../src/features.js';
import { startServer } from '../src/server.js';
import { CHROMIUM_ARGS } from '../test/support/browser.js';

const SECRET = 'dashboard-screenshots-secret-0123456789abcdef';
const API_KEY = 'sk_demo_0123456789abcdef';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const outDir = resolve(arg('out', 'docs/images'));
const chromiumPath = arg('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

function connect(url: string, token: string, transport: 'websocket' | 'polling'): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = io(url, { auth: { token }, transports: [transport], reconnection: false, forceNew: true });
    const timer = setTimeout(() => reject(new Error('connect timed out')), 10_000);
    socket.once('connected', () => {
      clearTimeout(timer);
      resolvePromise(socket);
    });
    socket.once('connect_error', reject);
  });
}

function ack(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  return socket.timeout(5000).emitWithAck(event, payload);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const config = loadConfig({
    env: {},
    overrides: {
      name: 'Switchboard (demo)',
      port: 0,
      host: '127.0.0.1',
      auth: { jwtSecret: SECRET },
      apiKeys: [API_KEY],
      database: { url: 'sqlite::memory:' },
      log: { level: 'silent' },
      channels: {
        trip: { policy: 'public', history: { size: 100 } },
        news: { policy: 'public', history: { size: 50 } },
        live: { policy: 'public' },
      },
      rateLimits: { default: { points: 100_000, perSeconds: 1 } },
    },
  });
  const server = await startServer({ config, logger: pino({ level: 'silent' }) });
  const sockets: Socket[] = [];
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 });
  try {
    // 40 users, some with two devices (user-004's second on long-polling); each in a few channels.
    for (let i = 1; i <= 40; i++) {
      const userId = `user-${String(i).padStart(3, '0')}`;
      const token = await signToken({ secret: SECRET, sub: userId, ttl: '1h' });
      const devices = i % 4 === 0 ? 2 : 1;
      for (let d = 0; d < devices; d++) {
        const socket = await connect(server.url, token, i === 4 && d === 1 ? 'polling' : 'websocket');
        sockets.push(socket);
        await ack(socket, 'subscribe', `trip:${(i % 6) + 1}`);
        if (i % 3 === 0) await ack(socket, 'subscribe', 'news:world');
        if (i % 5 === 0) await ack(socket, 'subscribe', `live:match-${i % 2}`);
      }
    }
    const api = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (let n = 0; n < 12; n++) await api('/api/publish', { channel: `trip:${(n % 3) + 1}`, event: 'trip:updated', data: { n } });
    for (let n = 0; n < 5; n++) await api('/api/publish', { channel: 'news:world', event: 'headline', data: { n } });
    // A few errors: invalid payloads and refused handshakes.
    for (let n = 0; n < 3; n++) await ack(sockets[0]!, 'subscribe', { channel: '' });
    for (let n = 0; n < 2; n++) await connect(server.url, 'not-a-token', 'websocket').catch(() => undefined);
    const traffic = setInterval(() => {
      for (const socket of sockets.slice(0, 20)) socket.emit('ping');
    }, 200);

    const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId('sign-in').waitFor();
    await page.screenshot({ path: join(outDir, 'dashboard-sign-in.png') });

    await page.fill('input[name=token]', API_KEY);
    await page.click('button[type=submit]');
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
    // Let the sparklines gather a few seconds of samples.
    await page.waitForTimeout(6000);
    await page.screenshot({ path: join(outDir, 'dashboard-overview.png'), fullPage: true });

    await page.fill('input[name=user-search]', 'user-004');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('user-detail').locator('[data-socket]').nth(1).waitFor();
    await page.getByTestId('users-panel').screenshot({ path: join(outDir, 'dashboard-user.png') });

    await page.fill('[data-testid=publish-form] input[name=channel]', 'trip:2');
    await page.fill('[data-testid=publish-form] input[name=event]', 'trip:updated');
    await page.fill('[data-testid=publish-form] textarea[name=data]', '{ "changes": { "name": "Lisbon" } }');
    await page.getByRole('button', { name: 'Publish…', exact: true }).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(outDir, 'dashboard-confirm.png') });
    clearInterval(traffic);
    console.log(`screenshots in ${outDir}`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await browser.close();
    await server.stop();
  }
}

const hardStop = setTimeout(() => {
  console.error('FAILED: took longer than 2 minutes');
  process.exit(1);
}, 120_000);
hardStop.unref();

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
