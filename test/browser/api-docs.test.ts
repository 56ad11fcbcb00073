/**
 * The API reference in headless Chromium: /docs renders every route of the document
 * with nothing fetched from another origin (no CDN), and its try-it-out calls this
 * server. Debian's chromium through playwright-core (test/support/browser.ts).
 */
import { describe, expect, it } from 'vitest';
import { chromiumUnavailable, launchChromium } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

describe.skipIf(chromiumUnavailable())('API reference in a browser', () => {
  it('renders the operations of every tag from this server alone', async () => {
    const server = await startTestServer();
    const browser = await launchChromium();
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => {
      requested.push(request.url());
    });
    const failures: string[] = [];
    page.on('pageerror', (error) => {
      failures.push(error.message);
    });
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.getAttribute('data-path') ?? n.textContent));
    expect(paths).toEqual(expect.arrayContaining(['/api/publish', '/api/notify', '/api/channels/{channel}/history', '/health']));
    expect(requested.length).toBeGreaterThan(3);
    for (const url of requested) expect(new URL(url).origin, url).toBe(server.url);
    expect(failures).toEqual([]);
  });
});
