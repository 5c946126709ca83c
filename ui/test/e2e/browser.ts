import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium for the console's browser tests (no browser download is possible here), headless,
 * with the background networking that this machine's closed network refuses turned off.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
