import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (CI installs it with apt); playwright-core never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium on a fresh profile directory. The background-networking flags matter here: without
 * them Chromium keeps trying to reach Google's hosts, which this machine's closed network refuses.
 */
export function launchChromium(
  profile: string,
  viewport = { width: 1400, height: 1100 },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
