/**
 * The dashboard in real headless Chromium (Debian's, driven by playwright-core):
 * sign in, watch a real socket.io-client connection appear and disappear live, and
 * use the three actions through the page's own confirmation dialog, with real
 * clients receiving what the page sent. A plain user's token is refused.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/browser.js';
import { CHANNELS_TEST_CONFIG, subscribeOk } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { nextEvent } from '../../test/support/client.js';
import { startTestServer, TEST_API_KEY, type TestServer } from '../../test/support/server.js';
import { IN_CI } from '../../test/support/services.js';
import type { Notification } from '../protocol/shapes.js';

const chromiumMissing = existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found`;
if (chromiumMissing && IN_CI) throw new Error(`Chromium is required in CI (scripts/install-test-deps.sh): ${chromiumMissing}`);
if (chromiumMissing) console.warn(`\n!!! SKIPPING dashboard browser tests: ${chromiumMissing}. Run scripts/install-test-deps.sh.\n`);

/** Bounds every wait in the page; a failure names what was not seen. */
const WAIT = { timeout: 15_000, interval: 50 };

describe.skipIf(chromiumMissing)('dashboard in headless Chromium', () => {
  let browser: Browser;
  /** What the current test's page reported: page errors and console errors. */
  let problems: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A page of its own (closed after the test, before its server stops) on the server's /dashboard. */
  async function open(server: TestServer): Promise<Page> {
    problems = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    onCleanup(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 403')) problems.push(`console error: ${m.text()}`);
    });
    await page.goto(`${server.url}/dashboard`);
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
  }

  const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent();

  /** Clicks a form's submit button, then the dialog's Confirm. */
  async function confirmAction(page: Page, button: string, expectDialog: RegExp): Promise<void> {
    await page.getByRole('button', { name: button, exact: true }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect.poll(() => dialog.textContent(), WAIT).toMatch(expectDialog);
    await page.getByTestId('confirm').click();
    await dialog.waitFor({ state: 'detached' });
  }

  it("refuses a plain user's token on the sign-in page", async () => {
    const server = await startTestServer();
    const page = await open(server);
    await page.fill('input[name=token]', await server.token('plain-user'));
    await page.click('button[type=submit]');
    await expect.poll(() => text(page, 'sign-in-error'), WAIT).toContain('FORBIDDEN');
    expect(await page.getByTestId('connections').count()).toBe(0);
  });

  it('signs in with an API key and shows a connection appear and disappear live', async () => {
    const server = await startTestServer();
    const page = await open(server);
    await signIn(page, TEST_API_KEY);
    await expect.poll(() => text(page, 'who'), WAIT).toMatch(/^API key [0-9a-f]{12}$/);
    await expect.poll(() => text(page, 'connections'), WAIT).toBe('0');

    const { socket } = await server.connect('walter');
    await expect.poll(() => text(page, 'connections'), WAIT).toBe('1');
    await expect.poll(() => text(page, 'users'), WAIT).toBe('1');
    await expect.poll(() => page.getByTestId('online-users').textContent(), WAIT).toContain('walter');

    socket.disconnect();
    await expect.poll(() => text(page, 'connections'), WAIT).toBe('0');
    await expect.poll(() => text(page, 'users'), WAIT).toBe('0');
    // Signed in for the tab: a reload keeps the session, sign out ends it.
    await page.reload();
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in').waitFor();
    expect(problems).toEqual([]);
  });

  it('publishes from the dashboard (confirmed); a subscribed client receives it', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('reader');
    await subscribeOk(socket, 'news:1');
    const page = await open(server);
    await signIn(page, TEST_API_KEY);

    const row = page.locator('[data-channel="news:1"]');
    await expect.poll(() => row.getByTestId('subscribers').textContent(), WAIT).toBe('1');
    await row.getByRole('button', { name: 'publish…', exact: true }).click();
    await expect.poll(() => page.inputValue('[data-testid=publish-form] input[name=channel]'), WAIT).toBe('news:1');
    await page.fill('[data-testid=publish-form] input[name=event]', 'headline');
    await page.fill('[data-testid=publish-form] textarea[name=data]', '{ "text": "from the dashboard" }');

    const received = nextEvent(socket, 'headline', 15_000);
    await confirmAction(page, 'Publish…', /headline.*news:1/s);
    expect(await received).toEqual({ text: 'from the dashboard' });
    await expect.poll(() => text(page, 'toast-ok'), WAIT).toContain('Published headline to news:1');
    expect(problems).toEqual([]);
  });

  it("signs in with an admin token, shows a user's sockets, notifies and disconnects the user", async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('dave');
    await subscribeOk(socket, 'news:9');
    const page = await open(server);
    await signIn(page, await server.token('boss', { roles: ['admin'] }));
    await expect.poll(() => text(page, 'who'), WAIT).toBe('boss');

    await page.fill('input[name=user-search]', 'dave');
    await page.getByRole('button', { name: 'Look up' }).click();
    const detail = page.getByTestId('user-detail');
    const socketRow = detail.locator(`[data-socket="${socket.id}"]`);
    await expect.poll(() => socketRow.getByTestId('transport').textContent(), WAIT).toBe('websocket');
    expect(await socketRow.textContent()).toContain('news:9');
    await expect.poll(() => text(page, 'user-status'), WAIT).toContain('1 device');

    await page.fill('[data-testid=notify-form] input[name=title]', 'Hello Dave');
    await page.fill('[data-testid=notify-form] input[name=message]', 'sent from the dashboard');
    const notified = nextEvent<Notification>(socket, 'notification', 15_000);
    await confirmAction(page, 'Notify…', /Hello Dave/);
    expect(await notified).toMatchObject({ title: 'Hello Dave', message: 'sent from the dashboard', type: 'info' });

    const gone = nextEvent(socket, 'disconnect', 15_000);
    await confirmAction(page, 'Disconnect…', /Disconnect this user/);
    expect(await gone).toBe('io server disconnect');
    await expect.poll(() => text(page, 'user-status'), WAIT).toBe('offline');
    await expect.poll(() => text(page, 'connections'), WAIT).toBe('0');
    await expect.poll(() => text(page, 'toast-ok'), WAIT).toContain('Disconnected 1 socket of dave');
    expect(problems).toEqual([]);
  });
});
