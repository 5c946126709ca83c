/**
 * The marketing loop in Chromium: a real host (PGlite in a temp dir, the sandbox e-mail connector) and the built
 * console. Audiences: a CSV with a bad row is previewed with coded row errors and imports nothing; the fixed file
 * imports; a segment is made. A send to the segment (API) puts each recipient's own tracked link in the sandbox
 * outbox; the browser follows the link, lands on the marketer's site (another origin, a local server) whose
 * snippet sends the conversion beacon; the console's funnel shows sent → delivered → clicked → converted for the
 * campaign and variant, and the attribution table credits it. axe 0 serious/critical and no horizontal overflow
 * at 390 px on every page state. Run: pnpm --filter @neonhub/ui build && tsx test/e2e/analytics.e2e.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../../host/src/config.js';
import { createHost } from '../../../host/src/host.js';
import { buildApp } from '../../../host/src/server/app.js';
import { launchChromium } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const shots = join(uiDir, 'test-results');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const started = Date.now();
const log = (msg: string) => console.log(`[analytics +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-analytics-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
delete process.env.NEONHUB_API_URL;
const host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['connector-email-sandbox'], seed: false });
const app = await buildApp(host, { accounts: { github: null } });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://localhost:${(app.server.address() as { port: number }).port}`;

// The marketer's site: another origin, with the conversion snippet and a "buy" button.
const site = createServer((req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><title>Shop</title><script src="${base}/t/shop/snippet.js"></script></head>
<body><main><h1>Spring sale</h1><button id="buy" onclick="document.getElementById('done').textContent = String(neonhub.convert({ id: 'order-1', value: 42 }))">Buy</button><p id="done"></p></main></body></html>`);
});
await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
const siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/sale`;
log(`host at ${base}, the marketer's site at ${siteUrl}`);

const browser = await launchChromium();
const problems: string[] = [];
async function check(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `analytics-${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
    problems.push(
      `${name}@${width}: axe ${v.id} (${v.impact}) ${v.help} at ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
    );
  const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  if (o.scroll > o.client) problems.push(`${name}: overflows horizontally at ${width} px (${o.scroll} > ${o.client})`);
  log(`${name} @${width}: width ${o.scroll}/${o.client}`);
}

let failed = false;
let current: Page | undefined;
try {
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await desk.newPage();
  current = page;
  page.setDefaultTimeout(20_000);

  await page.goto(`${base}/signup`);
  await page.getByLabel('Name').fill('Mara Marketer');
  await page.getByLabel('E-mail').fill('mara@example.com');
  await page.getByLabel(/^Password/).fill('correct horse battery');
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign up' }).click()]);
  await page.getByLabel('Name', { exact: true }).fill('Shop');
  await page.getByLabel(/^Slug/).fill('shop');
  await Promise.all([page.waitForURL(`${base}/w/shop/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  await page.getByRole('button', { name: 'Enable E-mail connector (sandbox)', exact: true }).click();
  await page.getByRole('button', { name: 'Disable E-mail connector (sandbox)', exact: true }).waitFor({ timeout: 90_000 });

  // Audiences: a bad row is previewed with its code, and the file imports nothing
  await page.goto(`${base}/w/shop/audiences`);
  await check(page, 'audiences-empty');
  const bad = 'email,first_name,plan\nana@example.com,Ana,pro\nnot-an-email,Bo,free\ncy@example.com,Cy,pro\n';
  await page.getByLabel('CSV', { exact: true }).fill(bad);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByTestId('import-errors').waitFor();
  assert.match((await page.getByTestId('import-errors').textContent()) ?? '', /3\s*NH_AUDIENCE_ROW_INVALID\s*email/);
  assert.match((await page.getByTestId('import-summary').textContent()) ?? '', /Preview: 3 rows, 2 valid/);
  await check(page, 'audiences-preview');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/nothing was imported/).waitFor();
  await page.goto(`${base}/w/shop/audiences`);
  assert.match((await page.getByRole('heading', { name: /^Contacts/ }).textContent()) ?? '', /Contacts\s*0/, 'the bad file wrote nothing');
  await page.getByLabel('CSV', { exact: true }).fill(bad.replace('not-an-email', 'bo@example.com'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/Imported: 3 rows, 3 valid, 3 created/).waitFor();
  await page.getByLabel('Segment name').fill('Pro plan');
  await page.getByLabel('Attribute').fill('plan');
  await page.getByLabel('Value').fill('pro');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await page.getByTestId('segments').getByText('2 contacts').waitFor();
  await page.goto(`${base}/w/shop/audiences`);
  assert.equal(await page.getByTestId('contacts').locator('tbody tr').count(), 3);
  await check(page, 'audiences-imported');
  log('CSV: a bad row previewed with NH_AUDIENCE_ROW_INVALID, nothing written; the fixed file imported; a segment of 2');

  // The send (API, as the same user): each recipient gets their own tracked link in the sandbox outbox
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'mara@example.com', password: 'correct horse battery' }),
  });
  const auth = {
    authorization: `Bearer ${((await login.json()) as { session: { token: string } }).session.token}`,
    'content-type': 'application/json',
  };
  const { segments } = (await (await fetch(`${base}/api/workspaces/shop/segments`, { headers: auth })).json()) as {
    segments: { id: string }[];
  };
  const sent = await fetch(`${base}/api/workspaces/shop/segments/${segments[0]?.id}/send`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      tool: 'connector-email-sandbox:send',
      campaign: 'spring-sale',
      variant: 'B',
      input: { subject: 'Spring sale', text: `Hi! {{link:${siteUrl}}}` },
    }),
  });
  const sendResult = (await sent.json()) as { sent: number };
  assert.equal(sendResult.sent, 2, JSON.stringify(sendResult));
  const outbox = await host.storage.db.selectFrom('plugin_records').select('value').where('collection', '=', 'outbox').execute();
  const toAna = outbox.map((r) => r.value as { to: string[]; text: string }).find((m) => m.to.includes('ana@example.com'));
  const link = toAna?.text.match(/https?:\/\/\S+\/r\/[\w-]+/)?.[0];
  assert.ok(link, 'the message to ana carries her tracked link');
  log(`sent to 2; ana's link ${link}`);

  // Ana clicks: the redirect lands on the marketer's site with UTM parameters; she buys
  await page.goto(link);
  const landed = new URL(page.url());
  assert.equal(landed.origin + landed.pathname, siteUrl);
  assert.equal(landed.searchParams.get('utm_campaign'), 'spring-sale');
  assert.equal(landed.searchParams.get('utm_content'), 'B');
  await page.getByRole('button', { name: 'Buy' }).click();
  await page.locator('#done', { hasText: 'true' }).waitFor();
  let funnel: { totals: Record<string, number> } = { totals: {} };
  for (let i = 0; i < 50 && (funnel.totals.converted ?? 0) < 1; i++) {
    await new Promise((r) => setTimeout(r, 100));
    funnel = (await (await fetch(`${base}/api/workspaces/shop/campaigns/spring-sale/funnel`, { headers: auth })).json()) as typeof funnel;
  }
  assert.equal(funnel.totals.converted, 1, 'the beacon from the other origin recorded the conversion');

  // The console's funnel and attribution
  await page.goto(`${base}/w/shop/analytics`);
  const stage = async (s: string) => ((await page.getByTestId(`stage-${s}`).textContent()) ?? '').trim();
  assert.deepEqual(
    [await stage('sent'), await stage('delivered'), await stage('opened'), await stage('clicked'), await stage('converted')],
    ['2', '2', '0', '1', '1'],
  );
  const row = (await page.getByTestId('variants').locator('tbody tr').first().textContent()) ?? '';
  assert.match(row, /^\s*B\s*email/);
  assert.match((await page.getByTestId('attribution').textContent()) ?? '', /spring-sale\s*email\s*1\s*1\s*1\.00\s*42\.00/);
  await check(page, 'analytics');
  const csv = await page.request.get(`${base}/w/shop/analytics/export.csv?c=spring-sale`);
  assert.match(await csv.text(), /spring-sale,B,email,2,2,0,1,1,/);
  log('funnel 2 → 2 → 0 → 1 → 1 for spring-sale / B / email; attribution credits it; the CSV export has the same row');

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    storageState: await desk.storageState(),
  });
  const p = await phone.newPage();
  current = p;
  for (const [path, name] of [
    ['/w/shop/analytics', 'phone-analytics'],
    ['/w/shop/audiences', 'phone-audiences'],
  ] as const) {
    await p.goto(`${base}${path}`);
    await check(p, name);
  }
  await phone.close();
  assert.deepEqual(problems, [], `problems:\n${problems.join('\n')}`);
  log('PASS');
} catch (err) {
  failed = true;
  console.error(err);
  if (problems.length) console.error(problems.join('\n'));
  if (current) await current.screenshot({ path: join(shots, 'analytics-failure.png'), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
  site.close();
  await app.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
