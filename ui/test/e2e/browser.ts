import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../../host/src/config.js';
import { createHost, type Host } from '../../../host/src/host.js';
import { buildApp } from '../../../host/src/server/app.js';

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

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');

/** The password every browser test signs up with. */
export const PASSWORD = 'correct horse battery';

export interface ConsoleHost {
  host: Host;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** `http://localhost:<port>`: browsers accept the Secure __Host- cookie there (a secure context), not on other plain-http hosts. */
  base: string;
  browser: Browser;
  /** The host's data directory (a temp dir; removed by close). */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A real host for a browser test: createHost with these plugins (PGlite in a temp dir), buildApp with the account
 * routes and the console it mounts from ui/build (which must be built), an ephemeral port, and Chromium.
 */
export async function bootConsoleHost(opts: {
  name: string;
  plugins: string[];
  env?: Record<string, string>;
  /** How often the runs' recovery sweep comes by (buildApp's recoverEveryMs; default the lease, 30 s). */
  recoverEveryMs?: number;
}): Promise<ConsoleHost> {
  if (!existsSync(join(uiDir, 'build', 'handler.js'))) throw new Error('run pnpm --filter @neonhub/ui build first');
  const dataDir = mkdtempSync(join(tmpdir(), `neonhub-${opts.name}-`));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...opts.env }, repoRoot);
  delete process.env.NEONHUB_API_URL;
  const host = await createHost({ config, logger: pino({ level: 'silent' }), only: opts.plugins, seed: false });
  const app = await buildApp(host, { accounts: { github: null }, ...(opts.recoverEveryMs ? { recoverEveryMs: opts.recoverEveryMs } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
  const browser = await launchChromium();
  return {
    host,
    app,
    base,
    browser,
    dataDir,
    async close() {
      await browser.close();
      await app.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs up through the console's form (JavaScript on or off) and lands on `/`. */
/** Waits until the page has hydrated (the root layout marks <html data-hydrated>): typing before it may be lost. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

export async function signUp(page: Page, base: string, who: { name: string; email: string }): Promise<void> {
  await page.goto(`${base}/signup`);
  await hydrated(page);
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign up' }).click()]);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The page as it is now, checked the way every console script checks it: axe's serious and critical violations
 * (evaluated through the DevTools protocol, so the page's Content-Security-Policy stays on) and, unless turned off,
 * horizontal overflow (naming up to three elements past the edge). Returns the problems, each prefixed with `label`,
 * and a one-line summary for the log.
 */
export async function auditPage(
  page: Page,
  label: string,
  opts: { overflow?: boolean } = {},
): Promise<{ problems: string[]; summary: string }> {
  const problems: string[] = [];
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad)
    problems.push(
      `${label}: axe ${v.id} (${v.impact}) ${v.help} at ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
    );
  let summary = `${label}: axe ${bad.length ? `${bad.length} serious/critical` : 'clean'} (${result.violations.length} of any impact)`;
  if (opts.overflow !== false) {
    const o = await page.evaluate(() => {
      const doc = document.documentElement;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
      return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
    });
    if (o.scroll > o.client) problems.push(`${label}: overflows horizontally (${o.scroll} > ${o.client} px): ${o.wide.join(', ')}`);
    summary += `, width ${o.scroll}/${o.client}`;
  }
  return { problems, summary };
}
