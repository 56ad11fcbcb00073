/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed by
 * scripts/install-test-deps.sh) driven by playwright-core through its executable
 * path, no browser download. Absent: skipped loudly locally, a failure in CI.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { onCleanup } from './cleanup.js';
import { IN_CI } from './services.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** undefined when Chromium is installed, else why not; throws in CI. */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH}`;
  if (IN_CI) throw new Error(`Chromium is required in CI: ${reason} (bash scripts/install-test-deps.sh)`);
  console.warn(`\n!!! SKIPPING browser tests: ${reason}. Run: sudo bash scripts/install-test-deps.sh (or set CHROMIUM_PATH).\n`);
  return reason;
}

/** A headless Chromium, closed after the test. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Playwright gives each launch a fresh temporary profile (user data dir).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
  onCleanup(() => browser.close());
  return browser;
}
