/**
 * Manual end-to-end check of the browser chat example (`examples/chat.html`) with two
 * users in real headless Chromium. Not part of `npm test` or CI (Chromium is not
 * installed there).
 *
 *   npx tsx scripts/check-chat-example.ts [--out /tmp/chat-check] [--chromium /usr/bin/chromium]
 *
 * Needs Chromium (Debian: `apt-get install -y chromium`; or set CHROMIUM_PATH) and the
 * `playwright-core` dev dependency (it drives the system Chromium; no browser download).
 *
 * It starts a Switchboard on 127.0.0.1 (a port of its own, an HS256 secret, a temp
 * SQLite file, development defaults as `npx switchboard serve` has them), mints tokens
 * for alice and bob, and opens the page the way docs/chat.md tells users to: straight
 * from disk (file://), one browser context per user. Everything then goes through the
 * page's own UI: server URL and token inputs, Connect, "Chat", the message box.
 *
 * Checked, in order (each step bounded; the first failure exits 1 with its name):
 *   1. both pages connect and show "<user> · 0 unread"
 *   2. alice opens a chat with bob; the conversation shows on both pages, and each
 *      page shows the other user online
 *   3. alice sends while bob is elsewhere: bob's list gets an unread badge (1) and his
 *      header "bob · 1 unread", alice's message shows "✓✓ delivered" (not read)
 *   4. bob opens the conversation: he sees the message, the badge and count go, alice's
 *      page shows "✓✓ read"
 *   5. alice types: bob's page shows "alice typing…"; she sends: the message appears
 *      on bob's page, the indicator clears, alice's page shows it read
 *   6. bob types and replies: alice's page shows "bob typing…", then the reply; bob's
 *      page shows his reply read
 *   7. bob closes his page: alice's page drops bob's online dot after the grace period
 * Both pages must also stay free of page errors, console errors/warnings, alerts and
 * the page's own error line. Screenshots go to the output folder (default
 * /tmp/chat-check): 1-unread-delivered-{alice,bob}.png, 2-read-*.png, 3-typing-bob.png,
 * 4-conversation-*.png, 5-bob-offline-alice.png; failed-*.png when a step fails.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { signToken } from '../src/auth/sign-token.js';
import { loadConfig } from '../src/features.js';
import { type RunningServer, startServer } from '../src/server.js';
import { CHROMIUM_ARGS } from '../test/support/browser.js';

const SECRET = 'check-chat-example-secret-0123456789abcdef';
const STEP_TIMEOUT_MS = 15_000;
const OFFLINE_GRACE_MS = 1500;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const outDir = resolve(arg('out', join(tmpdir(), 'chat-check')));
const chromiumPath = arg('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
const pageUrl = pathToFileURL(fileURLToPath(new URL('../examples/chat.html', import.meta.url))).href;

class StepFailed extends Error {}

/** Which user a page belongs to, for messages. */
const owner = new WeakMap<Page, string>();

let stepNo = 0;
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  stepNo++;
  const label = `${stepNo}. ${name}`;
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    throw new StepFailed(`FAILED step ${label}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
  console.log(`ok   ${label} (${Date.now() - started} ms)`);
}

/** Waits until `read()` (run in the page) returns true; on timeout says what it last saw. */
async function waitFor(page: Page, what: string, predicate: string, timeoutMs = STEP_TIMEOUT_MS - 1000): Promise<void> {
  try {
    await page.waitForFunction(predicate, undefined, { timeout: timeoutMs, polling: 50 });
  } catch {
    throw new Error(`${what} — not seen on ${owner.get(page) ?? 'the'}'s page [${await describe(page)}]`);
  }
}

/**
 * A one-line summary of what a page shows, for failure messages. Page code is passed
 * as strings throughout: tsx would wrap functions in helpers the page does not have.
 */
function describe(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const text = (id) => document.getElementById(id)?.textContent?.trim() ?? '';
    const convs = [...document.querySelectorAll('#conversations .conv')].map(
      (c) => c.textContent.trim() + (c.querySelector('.online') ? ' (online)' : '') + (c.classList.contains('active') ? ' (open)' : ''),
    );
    const messages = [...document.querySelectorAll('#messages li')].map((li) => li.textContent.trim());
    return 'me="' + text('me') + '" conversations=' + JSON.stringify(convs) + ' messages=' + JSON.stringify(messages) + ' typing="' + text('typing') + '"';
  })()`);
}

/** The conversation list entry for a peer's name. */
const conv = (peer: string) =>
  `[...document.querySelectorAll('#conversations .conv')].find((c) => c.querySelector('span')?.textContent === ${JSON.stringify(peer)})`;
/** The message list item whose text starts with `content`. */
const msg = (content: string) =>
  `[...document.querySelectorAll('#messages li')].find((li) => li.querySelector('span')?.textContent === ${JSON.stringify(content)})`;

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  for (const user of ['alice', 'bob']) rmSync(join(outDir, `failed-${user}.png`), { force: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-check-db-'));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const problems: string[] = [];
  const pages = new Map<string, Page>();

  try {
    // Development defaults, as `npx switchboard serve` runs them (CORS allows any origin,
    // which the file:// page needs); only the port, secret, store and grace are set here.
    const config = loadConfig({
      env: {},
      overrides: {
        port: 0,
        host: '127.0.0.1',
        auth: { jwtSecret: SECRET },
        database: { url: `sqlite:${join(dataDir, 'chat.db')}` },
        presence: { offlineGraceMs: OFFLINE_GRACE_MS },
        log: { level: 'silent' },
      },
    });
    server = await startServer({ config, logger: pino({ level: 'silent' }) });
    const serverUrl = server.url;
    console.log(`server   ${serverUrl}`);
    console.log(`page     ${pageUrl}`);

    const tokens = {
      alice: await signToken({ secret: SECRET, sub: 'alice', ttl: '1h' }),
      bob: await signToken({ secret: SECRET, sub: 'bob', ttl: '1h' }),
    };

    browser = await chromium
      .launch({
        executablePath: chromiumPath,
        headless: true,
        // Playwright gives each launch a fresh temporary profile (user data dir).
        args: CHROMIUM_ARGS,
        timeout: 30_000,
      })
      .catch((err: Error) => {
        throw new StepFailed(
          `FAILED: could not start Chromium at ${chromiumPath} (apt-get install -y chromium, or --chromium PATH): ${err.message.split('\n')[0]}`,
        );
      });
    console.log(`chromium ${browser.version()} (${chromiumPath})`);

    const open = async (user: 'alice' | 'bob'): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser!.newContext({ viewport: { width: 1000, height: 640 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS - 1000);
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
      owner.set(page, user);
      return { context, page };
    };
    const alice = await open('alice');
    const bob = await open('bob');
    const A = alice.page;
    const B = bob.page;
    const shoot = async (tag: string) => {
      await A.screenshot({ path: join(outDir, `${tag}-alice.png`) });
      await B.screenshot({ path: join(outDir, `${tag}-bob.png`) });
    };

    const connect = async (page: Page, user: 'alice' | 'bob') => {
      await page.fill('#server', serverUrl);
      await page.fill('#token', tokens[user]);
      await page.click('#connect');
      await waitFor(page, `"${user} · 0 unread" in the header`, `document.getElementById('me').textContent === '${user} · 0 unread'`);
    };

    await step('alice and bob connect through the page', async () => {
      await connect(A, 'alice');
      await connect(B, 'bob');
    });

    await step('alice starts a chat with bob; both lists show it, each with the other online', async () => {
      await A.fill('#peer', 'bob');
      await A.click('#chat');
      await waitFor(
        A,
        'conversation "bob" open with the message box enabled',
        `${conv('bob')}?.classList.contains('active') && !document.getElementById('text').disabled`,
      );
      await waitFor(B, 'conversation "alice" in the list', `!!${conv('alice')}`);
      await waitFor(A, "bob online in alice's list", `!!${conv('bob')}?.querySelector('.online')`);
      await waitFor(B, "alice online in bob's list", `!!${conv('alice')}?.querySelector('.online')`);
    });

    await step('alice sends while bob is elsewhere: unread badge on bob, "delivered" on alice', async () => {
      await A.fill('#text', 'Hi Bob!');
      await A.press('#text', 'Enter');
      await waitFor(A, 'her message on her own page', `!!${msg('Hi Bob!')}`);
      await waitFor(B, 'unread badge 1 on "alice"', `${conv('alice')}?.querySelector('.badge')?.textContent === '1'`);
      await waitFor(B, 'header "bob · 1 unread"', `document.getElementById('me').textContent === 'bob · 1 unread'`);
      await waitFor(A, '"✓✓ delivered" on the message', `${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent === '✓✓ delivered'`);
      // bob has not opened it: it must not turn read by itself
      await new Promise((r) => setTimeout(r, 500));
      const receipt = await A.evaluate(`${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent`);
      if (receipt !== '✓✓ delivered') throw new Error(`receipt is "${receipt}" before bob opened the conversation`);
      const messages = await A.evaluate(`document.querySelectorAll('#messages li').length`);
      if (messages !== 1) throw new Error(`alice's page shows ${messages} messages for one sent (duplicate?)`);
      await shoot('1-unread-delivered');
    });

    await step('bob opens the conversation: message shown, badge cleared, "read" on alice', async () => {
      await B.evaluate(`${conv('alice')}.click()`);
      await waitFor(B, "alice's message", `!!${msg('Hi Bob!')}`);
      await waitFor(
        B,
        'no badge on "alice"',
        `${conv('alice')}?.classList.contains('active') && !${conv('alice')}?.querySelector('.badge')`,
      );
      await waitFor(B, 'header "bob · 0 unread"', `document.getElementById('me').textContent === 'bob · 0 unread'`);
      await waitFor(A, '"✓✓ read" on the message', `${msg('Hi Bob!')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);
      await shoot('2-read');
    });

    await step('alice types (bob sees it), sends; the message appears live on bob, read on alice', async () => {
      await A.click('#text');
      await A.keyboard.type('How are', { delay: 30 });
      await waitFor(B, '"alice typing…"', `document.getElementById('typing').textContent === 'alice typing…'`);
      await B.screenshot({ path: join(outDir, '3-typing-bob.png') });
      await A.keyboard.type(' you?', { delay: 30 });
      await A.press('#text', 'Enter');
      await waitFor(B, 'the new message', `!!${msg('How are you?')}`);
      await waitFor(B, 'typing indicator cleared', `document.getElementById('typing').textContent === ''`);
      await waitFor(A, '"✓✓ read" on the new message', `${msg('How are you?')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);
      const badge = await B.evaluate(`${conv('alice')}?.querySelector('.badge')?.textContent ?? ''`);
      if (badge) throw new Error(`bob's open conversation shows an unread badge "${badge}"`);
    });

    await step('bob types and replies: alice sees typing, then the reply; bob sees it read', async () => {
      await B.click('#text');
      await B.keyboard.type('Fine,', { delay: 30 });
      await waitFor(A, '"bob typing…"', `document.getElementById('typing').textContent === 'bob typing…'`);
      await B.keyboard.type(' thanks!', { delay: 30 });
      await B.click('#send button');
      await waitFor(A, "bob's reply", `!!${msg('Fine, thanks!')} && !${msg('Fine, thanks!')}.classList.contains('mine')`);
      await waitFor(A, 'typing indicator cleared', `document.getElementById('typing').textContent === ''`);
      await waitFor(B, '"✓✓ read" on bob\'s reply', `${msg('Fine, thanks!')}?.querySelector('.receipt')?.textContent === '✓✓ read'`);
      const order = await A.evaluate(`[...document.querySelectorAll('#messages li span')].map((s) => s.textContent).join(' | ')`);
      if (order !== 'Hi Bob! | How are you? | Fine, thanks!') throw new Error(`alice's page shows the messages as "${order}"`);
      await shoot('4-conversation');
    });

    await step('bob closes his page: alice sees him go offline after the grace period', async () => {
      await bob.context.close();
      await waitFor(A, 'bob no longer online', `!!${conv('bob')} && !${conv('bob')}.querySelector('.online')`);
      await waitFor(A, 'no error shown', `document.getElementById('error').textContent === ''`);
      await A.screenshot({ path: join(outDir, '5-bob-offline-alice.png') });
    });

    if (problems.length > 0) {
      throw new StepFailed(`FAILED: the pages reported problems:\n  ${problems.join('\n  ')}`);
    }
    console.log(`\nall steps passed; screenshots in ${outDir}`);
  } catch (err) {
    for (const [user, page] of pages) {
      if (page.isClosed()) continue;
      await page.screenshot({ path: join(outDir, `failed-${user}.png`), timeout: 5000 }).catch(() => {});
      console.error(`${user}'s page: ${await describe(page).catch(() => '?')}`);
    }
    if (pages.size > 0) console.error(`screenshots at the failure: ${join(outDir, 'failed-*.png')}`);
    throw err;
  } finally {
    if (problems.length > 0) console.error(`page problems:\n  ${problems.join('\n  ')}`);
    await browser?.close().catch(() => {});
    await server?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const hardStop = setTimeout(() => {
  console.error('FAILED: the check took longer than 3 minutes');
  process.exit(1);
}, 180_000);
hardStop.unref();

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof StepFailed ? err.message : err);
    process.exit(1);
  },
);
