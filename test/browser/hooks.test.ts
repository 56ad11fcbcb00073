/**
 * The React hooks in headless Chromium, in React's development build (StrictMode
 * runs every effect twice, and React's warnings count as failures): useChannel hands
 * each publication over once and in order through the browser going offline and
 * back, a remount starts fresh, its publish comes back in order; useInbox keeps the
 * count and list in step; usePresence follows a contact; useConnectionState follows
 * the connection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bundleApp } from '../../scripts/build-client.js';
import { chromiumUnavailable, launchChromium } from '../support/browser.js';
import { apiPublish } from '../support/channels.js';
import { createConversation } from '../support/chat.js';
import { onCleanup } from '../support/cleanup.js';
import { notifyVia } from '../support/notifications-kit.js';
import { startTestServer } from '../support/server.js';

const chromiumReason = chromiumUnavailable();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).join(',');

async function waitText(page: Page, id: string, expected: string): Promise<void> {
  try {
    await page.waitForFunction(`document.getElementById(${JSON.stringify(id)})?.textContent === ${JSON.stringify(expected)}`, undefined, {
      timeout: 15_000,
      polling: 50,
    });
  } catch {
    const actual = await page.evaluate(`document.getElementById(${JSON.stringify(id)})?.textContent`);
    throw new Error(`#${id} is "${actual}", expected "${expected}"`);
  }
}

describe.skipIf(chromiumReason !== undefined)('React hooks in headless Chromium', () => {
  it('useChannel, useInbox, usePresence and useConnectionState through an offline spell', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-page-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    await bundleApp('test/browser/hooks-app.tsx', join(dir, 'app.js'), 'development');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><div id="app"></div><script src="app.js"></script></body></html>');

    const server = await startTestServer({
      config: { env: 'development', channels: { news: { policy: 'public', clientPublish: true, history: { size: 100 } } } },
    });
    await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const browser = await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    const query = new URLSearchParams({ url: server.url, token: await server.token('alice') });
    await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}?${query}`);

    await waitText(page, 'state', 'connected');
    await waitText(page, 'sub-state', 'subscribed');
    await waitText(page, 'bob', 'offline');
    for (let i = 0; i < 5; i++) await apiPublish(server, 'news:1', 'tick', { by: 'api' });
    await waitText(page, 'offsets', range(1, 5));

    // Offline: publications and notifications pile up on the server.
    await context.setOffline(true);
    await waitText(page, 'state', 'disconnected');
    for (let i = 0; i < 5; i++) await apiPublish(server, 'news:1', 'tick', { by: 'api' });
    await notifyVia(server, { userId: 'alice', type: 'info', title: 'one', message: 'm' });
    await notifyVia(server, { userId: 'alice', type: 'info', title: 'two', message: 'm' });
    await context.setOffline(false);
    await waitText(page, 'state', 'connected');
    await waitText(page, 'offsets', range(1, 10));
    await waitText(page, 'unread', '2');
    await waitText(page, 'notes', 'twoone');

    // Its own publish, in order among the server's.
    await page.click('#publish');
    await apiPublish(server, 'news:1', 'tick', { by: 'api' });
    await waitText(page, 'offsets', range(1, 12));

    // A remount is a new subscription from the newest offset.
    await page.click('#toggle');
    await page.click('#toggle');
    await waitText(page, 'sub-state', 'subscribed');
    await apiPublish(server, 'news:1', 'tick', { by: 'api' });
    await waitText(page, 'offsets', '13');

    await page.click('#read-all');
    await waitText(page, 'unread', '0');
    await waitText(page, 'notes', 'two (read)one (read)');

    const bob = await server.connect('bob');
    await waitText(page, 'bob', 'online');
    bob.socket.disconnect();
    await waitText(page, 'bob', 'offline');
    await waitText(page, 'resets', '0');
    expect(problems).toEqual([]);
  });
});
