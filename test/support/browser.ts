/**
 * Headless Chromium for the browser tests and scripts: Debian's `chromium` (installed
 * by scripts/install-test-deps.sh) driven by playwright-core through its executable
 * path, no browser download. Absent: skipped loudly locally, a failure in CI.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { onCleanup } from './cleanup.js';
import { IN_CI } from './services.js';

/** Debian's Chromium, as scripts/install-test-deps.sh installs it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every browser test launches Chromium with (no network beyond 127.0.0.1, no profile sync). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** undefined when Chromium is installed, else why not; throws in CI. */
export function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH}`;
  if (IN_CI) throw new Error(`Chromium is required in CI: ${reason} (bash scripts/install-test-deps.sh)`);
  console.warn(`\n!!! SKIPPING browser tests: ${reason}. Run: sudo bash scripts/install-test-deps.sh (or set CHROMIUM_PATH).\n`);
  return reason;
}

/** A headless Chromium, closed after the test (Playwright gives each launch a fresh profile). */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  onCleanup(() => browser.close());
  return browser;
}
