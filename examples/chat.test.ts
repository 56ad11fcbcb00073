/**
 * The browser chat example (examples/chat.html on the client SDK and React hooks)
 * with two users in real headless Chromium, opened the way the page's header tells
 * users to: from disk (file://), one browser context per user, everything through the
 * page's own UI. The page's bundle is built for the test (the same esbuild step as
 * `npm run build`) next to a copy of the page, in a temp dir.
 *
 * Checked, in order: both connect ("<user> · 0 unread"); alice opens a chat with bob,
 * both lists show it with the other online; alice sends while bob is elsewhere (badge
 * and header count on bob, "✓✓ delivered" on alice, not read); bob opens it (badge
 * gone, "✓✓ read" on alice); typing both ways with live messages; alice's browser goes
 * offline, she sends, comes back: bob gets the message once; bob closes his page and
 * alice sees him offline after the grace period. Neither page may log an error or a
 * warning, raise an alert, or show its error line. Screenshots of a failure go to
 * $CHAT_CHECK_OUT (default: a temp dir named in the failure); with it set, a run also
 * saves conversation-alice.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildChatExample } from '../scripts/build-client.js';
import { chromiumUnavailable, launchChromium } from '../test/support/browser.js';
import { onCleanup } from '../test/support/cleanup.js';
import { startTestServer } from '../test/support/server.js';

const chromiumReason = chromiumUnavailable();
const STEP_MS = 15_000;

/** The conversation list entry for a peer's name. */
const conv = (peer: string) =>
  `[...document.querySelectorAll('#conversations .conv')].find((c) => c.querySelector('span')?.textContent === ${JSON.stringify(peer)})`;
/** The message list item whose text is `content`. */
const msg = (content: string) =>
  `[...document.querySelectorAll('#messages li')].find((li) => li.querySelector('span')?.textContent === ${JSON.stringify(content)})`;
const text = (id: string) => `document.getElementById('${id}').textContent`;

/** A one-line summary of what a page shows, for failure messages (page code passed as strings: tsx would wrap functions). */
function describePage(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const text = (id) => document.getElementById(id)?.textContent?.trim() ?? '';
    const convs = [...document.querySelectorAll('#conversations .conv')].map(
      (c) => c.textContent.trim() + (c.querySelector('.online') ? ' (online)' : '') + (c.classList.contains('active') ? ' (open)' : ''),
    );
    const messages = [...document.querySelectorAll('#messages li')].map((li) => li.textContent.trim());
    return 'me="' + text('me') + '" error="' + text('error') + '" conversations=' + JSON.stringify(convs) + ' messages=' + JSON.stringify(messages) + ' typing="' + text('typing') + '"';
  })()`);
}

describe.skipIf(chromiumReason !== undefined)('examples/chat.html in headless Chromium', () => {
  it('two users: connect, chat, delivered and read receipts, typing, an offline send, offline presence', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-example-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'examples'));
    copyFileSync(fileURLToPath(new URL('./chat.html', import.meta.url)), join(dir, 'examples/chat.html'));
    await buildChatExample(join(dir, 'dist/examples/chat.js'));
    const pageUrl = pathToFileURL(join(dir, 'examples/chat.html')).href;
    const shots = process.env.CHAT_CHECK_OUT ?? join(tmpdir(), 'chat-check');

    // Development CORS (any origin, which the file:// page needs), a short offline grace.
    const server = await startTestServer({
      config: { env: 'development', presence: { offlineGraceMs: 1500 }, rateLimits: { default: { points: 100, perSeconds: 1 } } },
    });
    const browser = await launchChromium();
    const problems: string[] = [];
    const pages = new Map<string, Page>();
    const open = async (user: 'alice' | 'bob'): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_MS);
      page.on('pageerror', (err) => problems.push(`${user}: page error: ${err.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${user}: console ${m.type()}: ${m.text()}`);
      });
      page.on('dialog', (d) => {
        problems.push(`${user}: alert: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(pageUrl);
      pages.set(user, page);
      return { context, page };
    };
    const waitFor = async (page: Page, user: string, what: string, predicate: string) => {
      try {
        await page.waitForFunction(predicate, undefined, { timeout: STEP_MS, polling: 50 });
      } catch {
        mkdirSync(shots, { recursive: true });
        for (const [name, p] of pages) if (!p.isClosed()) await p.screenshot({ path: join(shots, `failed-${name}.png`) }).catch(() => {});
        throw new Error(
          `${what} — not seen on ${user}'s page [${await describePage(page)}]; screenshots in ${shots}; problems: ${problems.join('; ')}`,
        );
      }
    };

    const alice = await open('alice');
    const bob = await open('bob');
    const A = alice.page;
    const B = bob.page;
    const connect = async (page: Page, user: 'alice' | 'bob') => {
      await page.fill('#server', server.url);
      await page.fill('#token', await server.token(user));
      await page.click('#connect');
      await waitFor(page, user, `"${user} · 0 unread"`, `${text('me')} === '${user} · 0 unread'`);
    };

    // 1. connect
    await connect(A, 'alice');
    await connect(B, 'bob');

    // 2. alice opens a chat with bob; both lists show it, each with the other online
    await A.fill('#peer', 'bob');
    await A.click('#chat');
    await waitFor(
      A,
      'alice',
      'conversation "bob" open, message box enabled',
      `${conv('bob')}?.classList.contains('active') && !document.getElementById('text').disabled`,
    );
    await waitFor(B, 'bob', 'conversation "alice" listed', `!!${conv('alice')}`);
    await waitFor(A, 'alice', 'bob online', `!!${conv('bob')}?.querySelector('.online')`);
    await waitFor(B, 'bob', 'alice online', `!!${conv('alice')}?.querySelector('.online')`);

    // 3. alice sends while bob is elsewhere: unread badge on bob, "delivered" on alice
    await A.fill('#text', 'Hi Bob!');
    await A.press('#text', 'Enter');
    await waitFor(A, 'alice', 'her message', `!!${msg('Hi Bob!')}`);
    await waitFor(B, 'bob', 'badge 1 on "alice"', `${conv('alice')}?.querySelector('.badge')?.textContent === '1'`);
    await waitFor(B, 'bob', '"bob · 1 unread"', `${text('me')} === 'bob · 1 unread'`);
    await waitFor(A, 'alice', '"✓✓ delivered"', `${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent === '✓✓ delivered'`);
    await new Promise((r) => setTimeout(r, 500)); // bob has not opened it: it must not turn read by itself
    expect(await A.evaluate(`${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent`)).toBe('✓✓ delivered');
    expect(await A.evaluate(`document.querySelectorAll('#messages li').length`)).toBe(1);

    // 4. bob opens the conversation: message shown, badge and count cleared, "read" on alice
    await B.evaluate(`${conv('alice')}.click()`);
    await waitFor(B, 'bob', "alice's message", `!!${msg('Hi Bob!')}`);
    await waitFor(
      B,
      'bob',
      'no badge on the open conversation',
      `${conv('alice')}?.classList.contains('active') && !${conv('alice')}?.querySelector('.badge')`,
    );
    await waitFor(B, 'bob', '"bob · 0 unread"', `${text('me')} === 'bob · 0 unread'`);
    await waitFor(A, 'alice', '"✓✓ read"', `${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);

    // 5. alice types (bob sees it), sends: live on bob, indicator cleared, read on alice
    await A.click('#text');
    await A.keyboard.type('How are', { delay: 30 });
    await waitFor(B, 'bob', '"alice typing…"', `${text('typing')} === 'alice typing…'`);
    await A.keyboard.type(' you?', { delay: 30 });
    await A.press('#text', 'Enter');
    await waitFor(B, 'bob', 'the new message', `!!${msg('How are you?')}`);
    await waitFor(B, 'bob', 'typing cleared', `${text('typing')} === ''`);
    await waitFor(A, 'alice', '"✓✓ read" on it', `${msg('How are you?')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);
    expect(await B.evaluate(`${conv('alice')}?.querySelector('.badge')?.textContent ?? ''`)).toBe('');

    // 6. bob types and replies
    await B.click('#text');
    await B.keyboard.type('Fine,', { delay: 30 });
    await waitFor(A, 'alice', '"bob typing…"', `${text('typing')} === 'bob typing…'`);
    await B.keyboard.type(' thanks!', { delay: 30 });
    await B.click('#send button');
    await waitFor(A, 'alice', "bob's reply", `!!${msg('Fine, thanks!')} && !${msg('Fine, thanks!')}.classList.contains('mine')`);
    await waitFor(A, 'alice', 'typing cleared', `${text('typing')} === ''`);
    await waitFor(B, 'bob', '"✓✓ read" on his reply', `${msg('Fine, thanks!')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);

    if (process.env.CHAT_CHECK_OUT) await A.screenshot({ path: join(shots, 'conversation-alice.png') });
    // 7. alice's browser goes offline; she sends; back online, bob gets it once
    await alice.context.setOffline(true);
    await waitFor(A, 'alice', '"alice · disconnected"', `${text('me')} === 'alice · disconnected'`);
    await A.fill('#text', 'Sent from a tunnel');
    await A.press('#text', 'Enter');
    await new Promise((r) => setTimeout(r, 300));
    expect(await B.evaluate(`!!${msg('Sent from a tunnel')}`)).toBe(false);
    await alice.context.setOffline(false);
    await waitFor(A, 'alice', 'connected again', `${text('me')} === 'alice · 0 unread'`);
    await waitFor(B, 'bob', 'the offline message', `!!${msg('Sent from a tunnel')}`);
    await waitFor(A, 'alice', 'it read by bob', `${msg('Sent from a tunnel')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);
    const order = await A.evaluate<string>(`[...document.querySelectorAll('#messages li span')].map((s) => s.textContent).join(' | ')`);
    expect(order).toBe('Hi Bob! | How are you? | Fine, thanks! | Sent from a tunnel');
    expect(await B.evaluate(`[...document.querySelectorAll('#messages li span')].map((s) => s.textContent).join(' | ')`)).toBe(order);
    const stored = await server.request('GET', '/api/conversations', { token: await server.token('alice') });
    const conversationId = stored.body.conversations[0].id;
    const history = await server.request('GET', `/api/conversations/${conversationId}/messages?limit=50`, {
      token: await server.token('bob'),
    });
    expect(history.body.messages.map((m: { content: string }) => m.content).reverse()).toEqual(order.split(' | '));

    // 8. bob closes his page: alice sees him go offline after the grace period
    await bob.context.close();
    pages.delete('bob');
    await waitFor(A, 'alice', 'bob no longer online', `!!${conv('bob')} && !${conv('bob')}.querySelector('.online')`);
    expect(await A.evaluate(text('error'))).toBe('');
    expect(problems).toEqual([]);
  });
});
