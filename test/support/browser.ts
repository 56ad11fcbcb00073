/** Chromium for the browser tests and scripts: Debian's build, launched by playwright-core. */

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
