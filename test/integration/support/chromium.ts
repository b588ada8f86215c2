/** The Chromium .ci/run installs from Debian, which browser tests drive through Playwright. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, sandbox-less (containers), and quiet: no GPU, QUIC, first-run, background or sync
 * traffic, so a test's only requests are its own to loopback.
 */
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
