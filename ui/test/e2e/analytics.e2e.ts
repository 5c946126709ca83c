/**
 * The marketing loop in Chromium: a real host (PGlite in a temp dir, the sandbox e-mail connector) and the built
 * console. Audiences: a CSV with a bad row is previewed with coded row errors and imports nothing; the fixed file
 * imports; a segment is made. A send to the segment (API) puts each recipient's own tracked link in the sandbox
 * outbox; the browser follows the link, lands on the marketer's site (another origin, a local server) whose
 * snippet sends the conversion beacon; the console's funnel shows sent → delivered → clicked → converted for the
 * campaign and variant, and the attribution table credits it. A run's page says in words what it sent and what came
 * of it (its run.summary). A campaign of agent-campaign with three weeks of results recorded through the events API
 * (variant B clicking better, and one day whose clicks jump): its page draws the daily series with that day marked
 * and explained, compares the variants, and "Reallocate now" moves the budget towards B with its reason, kept in
 * the history; a viewer sees the allocation but no reallocate button. axe 0 serious/critical and no horizontal
 * overflow at 1440 and 390 px on every page state; screenshots in ui/test/e2e/screenshots.
 * Run: pnpm --filter @neonhub/ui build && tsx test/e2e/analytics.e2e.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../../host/src/config.js';
import { createHost } from '../../../host/src/host.js';
import { campaignLinks } from '../../../host/src/results/campaign-links.js';
import { buildApp } from '../../../host/src/server/app.js';
import { auditPage, launchChromium, signUp } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const shots = join(uiDir, 'test/e2e/screenshots');
mkdirSync(shots, { recursive: true });
const started = Date.now();
const log = (msg: string) => console.log(`[analytics +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-analytics-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
delete process.env.NEONHUB_API_URL;
const host = await createHost({
  config,
  logger: pino({ level: 'silent' }),
  only: ['connector-email-sandbox', 'agent-campaign'],
  seed: false,
});
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
  const audit = await auditPage(page, `${name}@${width}`);
  problems.push(...audit.problems);
  log(audit.summary);
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
  const row = (await page.getByTestId('variants').locator('tbody tr').first().innerText()) ?? '';
  assert.match(row, /^\s*B\s+2\s+0\s+1\s/);
  assert.match(await page.getByTestId('channels').locator('tbody tr').first().innerText(), /^\s*Email\s+2\s+0\s+1\s/);
  assert.match((await page.getByTestId('attribution').innerText()) ?? '', /spring-sale\s*Email\s*1\s*1\s*1\.00\s*42\.00/);
  await check(page, 'analytics');
  const csv = await page.request.get(`${base}/w/shop/analytics/export.csv?c=spring-sale`);
  assert.match(await csv.text(), /spring-sale,B,email,2,2,0,1,1,/);
  log('funnel 2 → 2 → 0 → 1 → 1 for spring-sale / B / email; attribution credits it; the CSV export has the same row');

  // A run that sends: its page says what it sent and what came of it (the run.summary), in words
  const started = await fetch(`${base}/api/workspaces/shop/runs`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      goal: 'Send Cy the spring sale',
      plan: {
        steps: [
          {
            id: 'send_cy',
            title: 'Send Cy the spring sale e-mail',
            tool: 'connector-email-sandbox:send',
            input: { to: 'cy@example.com', subject: 'Spring sale', text: 'It is on.', tags: { campaign: 'spring-sale' } },
          },
        ],
      },
    }),
  });
  assert.equal(started.status, 201, await started.clone().text());
  const runId = ((await started.json()) as { run: { id: string } }).run.id;
  for (let i = 0; i < 100; i++) {
    const s = (await (await fetch(`${base}/api/runs/${runId}/summary`, { headers: auth })).json()) as { atEnd: unknown };
    if (s.atEnd) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto(`${base}/w/shop/runs/${runId}`);
  const runResults = (await page.getByTestId('run-results').innerText()).replace(/\s+/g, ' ');
  assert.match(runResults, /This run sent 1 e-mail\. So far: 1 delivered \(100%\), 0 opened, 0 clicked, no conversion yet\./);
  assert.match(runResults, /Send Cy the spring sale e-mail: 1 message/);
  assert.match(
    runResults,
    /Campaign spring-sale, all its sends so far: [23] messages, [23] delivered \(\d+%\), 0 opened, 1 clicked \(\d+%\), 1 conversion\./,
  );
  await check(page, 'run-summary');
  log(`run page: "${runResults.slice(0, 120)}…"`);

  // A campaign of agent-campaign with A/B variants, and three weeks of its results through the events API
  const call = async <T>(tool: string, input: unknown): Promise<T> => {
    const r = await fetch(`${base}/api/workspaces/shop/tools/${encodeURIComponent(tool)}/call`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ input }),
    });
    const body = (await r.json()) as { status: string; output: T };
    assert.equal(body.status, 'ok', JSON.stringify(body));
    return body.output;
  };
  await host.storage.service.enablePlugin('shop', 'agent-campaign');
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const { campaignId } = await call<{ campaignId: string }>('agent-campaign:create_campaign', {
    name: 'Winter boots',
    goal: '300 boot orders',
    audience: 'hikers in the Alps',
    channels: ['email'],
    budget: 2000,
    currency: 'EUR',
    startDate: day(-20),
    endDate: day(10),
  });
  for (const name of ['A', 'B'])
    await call('agent-campaign:add_variant', { campaignId, channel: 'email', name, content: `Boots, take ${name}` });
  const spikeDay = day(-6);
  const seeded = { sent: 0, clicked: 0 };
  const perDay = new Map<string, { sent: number; clicked: number; clickedB: number }>();
  const ingestStarted = Date.now();
  for (let d = -20; d <= 0; d++) {
    const events: object[] = [];
    const at = `${day(d)}T06:00:00.000Z`;
    for (const variant of ['A', 'B']) {
      // B clicks about twice as often as A; on the spike day B's newsletter goes viral: 25 clicks
      const spike = variant === 'B' && day(d) === spikeDay;
      const sends = spike ? 30 : 12;
      const opens = variant === 'A' ? 4 : 5;
      const clicks = spike ? 25 : variant === 'A' ? 1 + (d & 1) : 2 + (d & 1);
      for (let i = 0; i < sends; i++) {
        const messageId = `${campaignId}-${variant}-${d}-${i}`;
        events.push({
          id: `s-${messageId}`,
          type: 'sent',
          messageId,
          occurredAt: at,
          data: {},
          campaign: campaignId,
          variant,
          channel: 'email',
        });
        events.push({ id: `d-${messageId}`, type: 'delivered', messageId, occurredAt: at, data: {} });
        if (i < opens) events.push({ id: `o-${messageId}`, type: 'opened', messageId, occurredAt: at, data: {} });
        if (i < clicks) events.push({ id: `c-${messageId}`, type: 'clicked', messageId, occurredAt: at, data: {} });
      }
      seeded.sent += sends;
      seeded.clicked += clicks;
      const today = perDay.get(day(d)) ?? { sent: 0, clicked: 0, clickedB: 0 };
      perDay.set(day(d), {
        sent: today.sent + sends,
        clicked: today.clicked + clicks,
        clickedB: today.clickedB + (variant === 'B' ? clicks : 0),
      });
    }
    const r = await fetch(`${base}/api/workspaces/shop/events`, { method: 'POST', headers: auth, body: JSON.stringify({ events }) });
    const got = (await r.json()) as { recorded: number; unmatched: number };
    assert.equal(got.recorded, events.length, JSON.stringify(got));
  }
  log(
    `seeded 21 days of ${campaignId} through POST /events: ${seeded.sent} sent, ${seeded.clicked} clicked (${Date.now() - ingestStarted} ms)`,
  );

  // The campaign page: the daily clicks with the spike marked and explained
  await page.goto(`${base}/w/shop/campaigns/${campaignId}`);
  const chart = page.getByTestId('series-chart');
  assert.equal(await chart.getAttribute('data-kind'), 'clicked', 'clicks are shown first');
  const markers = chart.locator('svg.wide [data-testid="anomaly-marker"]');
  assert.equal(await markers.count(), 1, 'one unusual day');
  assert.equal(await markers.first().getAttribute('data-day'), spikeDay);
  assert.ok(await markers.first().isVisible(), 'the marker is drawn');
  const explained = (await page.getByTestId('anomalies').innerText()).trim();
  const spikeWords = new Date(`${spikeDay}T00:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  assert.match(explained, new RegExp(`^${spikeWords}: 26 clicks where about \\d+ were expected \\(\\d+(\\.\\d)?× the usual\\)\\.$`));
  assert.match(
    (await chart.locator('svg.wide').getAttribute('aria-label')) ?? '',
    /Clicked per day, .*: \d+ clicks in all\. 1 unusual day/,
  );
  await chart.locator('summary', { hasText: 'The figures, day by day' }).click();
  assert.equal(await page.getByTestId('series-table').locator('tbody tr').count(), 21);
  assert.match(await page.getByTestId('series-table').locator('tr.flagged').innerText(), /26\s+\d+\s+yes \(1\): high/);
  // the funnel and the variants with their credible intervals and P(best)
  const stageNow = async (s: string) => ((await page.getByTestId(`stage-${s}`).textContent()) ?? '').trim();
  assert.equal(await stageNow('sent'), String(seeded.sent));
  assert.equal(await stageNow('clicked'), String(seeded.clicked));
  assert.match(
    await page.getByTestId('variants-verdict').innerText(),
    /^Variant B is very likely the best: (9\d%|over 99%) chance\. Its click rate is \d+\.\d% \(probably between \d+\.\d% and \d+\.\d%\), against \d+\.\d% for A\.$/,
  );
  assert.equal(await page.getByTestId('variants').locator('tbody tr').count(), 2);
  assert.match(
    await page.getByTestId('variants').locator('tr[data-key="A"]').innerText(),
    /^A\s+[\d,]+[\s\S]*\(\d+\.\d%–\d+\.\d%\)[\s\S]*chance it is the best/,
  );
  assert.match(await page.getByTestId('range-shown').innerText(), /\(21 days, UTC\)/);
  await check(page, 'campaign-series');
  // another metric: opens were steady, and the page points at the unusual clicks
  await page.getByRole('link', { name: 'Opened', exact: true }).click();
  await page.locator('[data-testid="series-chart"][data-kind="opened"]').waitFor();
  await page.getByTestId('no-anomalies').waitFor();
  assert.match(await page.getByTestId('anomalies-elsewhere').innerText(), /Clicked \(1\)/);
  log(`campaign page: the ${spikeDay} spike is marked and explained ("${explained}"); opens steady`);

  // Budget: no decision yet; "Reallocate now" (across the variants, by click rate) moves it to B and says why
  await page.getByTestId('no-allocation').waitFor();
  await page.getByRole('button', { name: 'Reallocate now' }).click();
  await page.getByTestId('allocation').waitFor();
  const shareOf = async (arm: string) =>
    Number(
      /([\d.]+)%/.exec(
        await page
          .getByTestId('allocation')
          .locator('tbody tr', { has: page.getByRole('rowheader', { name: new RegExp(`^${arm} \\(email\\)`) }) })
          .locator('td')
          .first()
          .innerText(),
      )?.[1],
    );
  const [shareA, shareB] = [await shareOf('A'), await shareOf('B')];
  assert.ok(shareB > 80 && shareA < 20, `B gets most of the budget (A ${shareA}%, B ${shareB}%)`);
  const reason = (await page.getByTestId('allocation-reason').innerText()).trim();
  assert.match(reason, /\bB\b/);
  // a second decision, by open rate: the first one moves to the history with its reason
  await page.locator('#metric').selectOption('opened');
  await page.getByRole('button', { name: 'Reallocate now' }).click();
  await page.getByTestId('allocation-history').waitFor();
  const history = await page.getByTestId('allocation-history').locator('li').allInnerTexts();
  assert.equal(history.length, 1);
  assert.ok(history[0]!.includes(reason), `the history keeps the first decision's reason: ${history[0]}`);
  assert.match(await page.getByTestId('allocation-basis').innerText(), /judged by open rate/);
  await check(page, 'campaign-allocation');
  log(`reallocated: A ${shareA}%, B ${shareB}% ("${reason.slice(0, 100)}…"); then by open rate, the first kept in the history`);

  // The date range: the last 7 days change the funnel to those days' sends; a custom range of the spike day alone
  const sum = (days: string[], k: 'sent' | 'clicked' | 'clickedB') => days.reduce((n, d) => n + (perDay.get(d)?.[k] ?? 0), 0);
  const last7 = Array.from({ length: 7 }, (_, i) => day(-i));
  await page.getByTestId('date-range').getByRole('link', { name: 'Last 7 days' }).click();
  await page.waitForURL(/range=7/);
  assert.equal(await stageNow('sent'), sum(last7, 'sent').toLocaleString('en-US'));
  assert.equal(await stageNow('clicked'), sum(last7, 'clicked').toLocaleString('en-US'));
  assert.notEqual(sum(last7, 'sent'), seeded.sent, 'the range leaves days out');
  assert.match(await page.getByTestId('range-shown').innerText(), /\(7 days, UTC\)/);
  await page.locator('#range-from').fill(spikeDay);
  await page.locator('#range-to').fill(spikeDay);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`from=${spikeDay}&to=${spikeDay}`));
  assert.equal(await stageNow('sent'), String(sum([spikeDay], 'sent')));
  assert.equal(await stageNow('clicked'), String(sum([spikeDay], 'clicked')));
  assert.equal(await page.getByTestId('series-table').locator('tbody tr').count(), 1);
  log(`range: last 7 days ${sum(last7, 'sent')} sent (of ${seeded.sent}); ${spikeDay} alone ${sum([spikeDay], 'sent')} sent`);
  // a backwards range is not sent: the page says so and shows the campaign's dates
  await page.goto(`${base}/w/shop/campaigns/${campaignId}?from=${day(0)}&to=${day(-3)}`);
  assert.match(await page.getByTestId('range-error').innerText(), /The start must be on or before the end\. Showing .* instead\./);
  assert.equal(await stageNow('sent'), seeded.sent.toLocaleString('en-US'));
  // split by variant: one chart each, B's spike marked in B's alone
  await page.goto(`${base}/w/shop/campaigns/${campaignId}`);
  await page.getByRole('link', { name: 'By variant' }).click();
  await page.waitForURL(/split=variant/);
  const panel = (g: string) => page.locator(`[data-testid="series-panel"][data-group="${g}"]`);
  assert.equal(await page.getByTestId('series-panel').count(), 2);
  assert.equal(await panel('B').getByRole('heading', { name: 'Variant B' }).count(), 1);
  assert.deepEqual(
    await panel('B')
      .locator('svg.wide [data-testid="anomaly-marker"]')
      .evaluateAll((m) => m.map((x) => x.getAttribute('data-day'))),
    [spikeDay],
  );
  assert.equal(await panel('A').locator('[data-testid="anomaly-marker"]').count(), 0);
  await check(page, 'campaign-split');
  await page
    .locator('section', { has: page.locator('#series-title') })
    .screenshot({ path: join(shots, 'docs-campaign-series.png'), style: 'body > header, header.top { visibility: hidden !important; }' });
  // no ids on the page: the campaign, its variants and channels by name
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, 'no UUID on the campaign page');
  assert.doesNotMatch(text, /agent-campaign:|connector-/, 'no tool ids on the campaign page');

  // The analytics page for this campaign: its name (not its id) in the picker, the range in the URL, the CSV of what is shown
  await page.goto(`${base}/w/shop/analytics?c=${campaignId}&range=7&split=variant`);
  assert.equal(await page.locator('#campaign option:checked').innerText(), 'Winter boots');
  assert.match(await page.getByRole('heading', { name: /^Funnel: Winter boots/ }).innerText(), /Funnel: Winter boots/);
  assert.equal(await stageNow('sent'), sum(last7, 'sent').toLocaleString('en-US'));
  assert.doesNotMatch(
    await page.locator('main').innerText(),
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    'no UUID on the analytics page',
  );
  await check(page, 'analytics-campaign');
  await page.screenshot({ path: join(shots, 'docs-analytics.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csvText = readFileSync(await download.path(), 'utf8');
  assert.match(download.suggestedFilename(), new RegExp(`^Winter_boots-${day(-6)}-to-${day(0)}\\.csv$`));
  const csvLines = csvText.trim().split('\n');
  assert.equal(csvLines[1], `${day(-6)},${day(0)},7`, 'the range shown');
  const funnelRow = (v: string) => csvLines.find((l) => l.startsWith(`Winter boots,${v},email,`))?.split(',');
  const rowB = funnelRow('B');
  assert.ok(rowB, csvText.slice(0, 600));
  assert.equal(Number(rowB[3]) + Number(funnelRow('A')![3]), sum(last7, 'sent'), 'the CSV sends are the range shown');
  assert.equal(Number(rowB[6]), sum(last7, 'clickedB'), "B's clicks in the range");
  const seriesRows = csvLines.filter((l) => /^\d{4}-\d{2}-\d{2},(A|B),clicked,/.test(l));
  assert.equal(seriesRows.length, 14, 'one clicked row per day of the range per variant');
  assert.ok(seriesRows.every((l) => l.slice(0, 10) >= day(-6) && l.slice(0, 10) <= day(0)));
  assert.ok(
    seriesRows.some((l) => l.startsWith(`${spikeDay},B,clicked,`) && l.endsWith(',high')),
    'the spike flagged in the CSV',
  );
  assert.doesNotMatch(csvText, new RegExp(campaignId), 'the CSV names the campaign, not its id');
  log(`analytics: "Winter boots" picked by name; CSV ${download.suggestedFilename()} has the 7 days shown, B's spike flagged`);

  // A viewer sees the allocation and its history, and no reallocate button
  await page.goto(`${base}/w/shop/members`);
  await page.locator('#inv-email').fill('vic@example.com');
  await page.locator('#inv-role').selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText(/vic@example\.com invited/).waitFor();
  const viewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const viewer = await viewerContext.newPage();
  viewer.setDefaultTimeout(20_000);
  await signUp(viewer, base, { name: 'Vic Viewer', email: 'vic@example.com' });
  current = viewer;
  await viewer.goto(`${base}/w/shop/campaigns/${campaignId}`);
  await viewer.getByTestId('allocation-history').waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Reallocate now' }).count(), 0, 'a viewer has no Reallocate now');
  const refused = await viewer.evaluate(async (url) => {
    const r = await fetch(url, { method: 'POST', body: new URLSearchParams({ by: 'variant' }), headers: { 'x-sveltekit-action': 'true' } });
    return r.text();
  }, `${base}/w/shop/campaigns/${campaignId}?/reallocate`);
  assert.match(refused, /Only members, admins and owners can move the budget/);
  const refusedLink = await viewer.evaluate(async (url) => {
    const r = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ resultsCampaign: 'spring-sale' }),
      headers: { 'x-sveltekit-action': 'true' },
    });
    return r.text();
  }, `${base}/w/shop/campaigns/${campaignId}?/link`);
  assert.match(refusedLink, /Only members, admins and owners can link a campaign/);
  await check(viewer, 'campaign-viewer');
  // nothing to write on the analytics pages for a viewer: no POST form, no create-campaign form
  for (const path of [`/w/shop/campaigns/${campaignId}?range=7`, `/w/shop/analytics?c=${campaignId}`, '/w/shop/campaigns']) {
    await viewer.goto(`${base}${path}`);
    assert.equal(await viewer.locator('main form[method="POST"]').count(), 0, `a viewer has no write action on ${path}`);
  }
  await viewer.goto(`${base}/w/shop/analytics?c=${campaignId}`);
  await viewer.getByTestId('export-csv').waitFor();
  const viewerState = await viewerContext.storageState();
  await viewerContext.close();
  current = page;
  log('viewer: the allocation and its history, no Reallocate now; a forged post is refused');

  // A campaign whose results go by another name: the link the host stored picks them (no guessing by name)
  const { campaignId: pushId } = await call<{ campaignId: string }>('agent-campaign:create_campaign', {
    name: 'Spring push',
    goal: 'more spring orders',
    audience: 'pro plan',
    channels: ['email'],
    budget: 100,
    currency: 'EUR',
    startDate: day(-2),
    endDate: day(5),
  });
  // a member links it from the campaign page (PUT …/results/campaign-links), after picking the results it was sent under
  await page.goto(`${base}/w/shop/campaigns/${pushId}?results=spring-sale`);
  await page.getByRole('button', { name: 'Link this campaign to “spring-sale”' }).click();
  await page.getByTestId('campaign-link').waitFor();
  const shopWs = await host.storage.service.resolveWorkspace('shop');
  assert.deepEqual(
    (await campaignLinks(host.storage.db, shopWs.id, pushId)).map((l) => [l.resultsCampaign, l.source]),
    [['spring-sale', 'api']],
    'the link is stored as a person made it',
  );
  await page.goto(`${base}/w/shop/campaigns/${pushId}`);
  assert.equal(await page.locator('#results option:checked').innerText(), 'spring-sale');
  assert.equal(await stageNow('sent'), '3', 'the linked results: 2 segment sends and the run');
  assert.equal(await page.getByTestId('campaign-link-form').count(), 0, 'once linked, the page says so instead of offering the form');
  await check(page, 'campaign-linked');
  log('a member links a campaign to results under another name from its page; the stored link picks them');

  // A viewer sees the link but no Unlink, and a forged unlink post is refused (the link stays)
  const viewerAgain = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: viewerState });
  const v2 = await viewerAgain.newPage();
  v2.setDefaultTimeout(20_000);
  current = v2;
  await v2.goto(`${base}/w/shop/campaigns/${pushId}`);
  await v2.getByTestId('campaign-link').waitFor();
  assert.equal(await v2.getByTestId('campaign-unlink-form').count(), 0, 'a viewer has no Unlink');
  const refusedUnlink = await v2.evaluate(async (url) => {
    const r = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ resultsCampaign: 'spring-sale' }),
      headers: { 'x-sveltekit-action': 'true' },
    });
    return r.text();
  }, `${base}/w/shop/campaigns/${pushId}?/unlink`);
  assert.match(refusedUnlink, /Only members, admins and owners can unlink a campaign/);
  assert.equal((await campaignLinks(host.storage.db, shopWs.id, pushId)).length, 1, 'the forged unlink removed nothing');
  await viewerAgain.close();
  current = page;
  // the member unlinks it (DELETE …/results/campaign-links): the results go back to being matched by name
  await page.getByRole('button', { name: 'Unlink' }).click();
  await page.getByTestId('campaign-unlinked').waitFor();
  assert.deepEqual(await campaignLinks(host.storage.db, shopWs.id, pushId), [], 'the link is gone');
  assert.equal(await page.getByTestId('campaign-link').count(), 0, 'the page no longer says it is linked');
  await check(page, 'campaign-unlinked');
  await page.goto(`${base}/w/shop/campaigns/${pushId}?results=spring-sale`);
  await page.getByTestId('campaign-link-form').waitFor();
  log('a viewer cannot unlink (no form; a forged post is refused); a member unlinks and can link again');

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
    [`/w/shop/campaigns/${campaignId}`, 'phone-campaign'],
    [`/w/shop/campaigns/${campaignId}?metric=opened`, 'phone-campaign-opened'],
    [`/w/shop/campaigns/${campaignId}?split=variant&range=30`, 'phone-campaign-split'],
    [`/w/shop/analytics?c=${campaignId}&split=channel`, 'phone-analytics-campaign'],
    [`/w/shop/runs/${runId}`, 'phone-run-summary'],
  ] as const) {
    await p.goto(`${base}${path}`);
    await check(p, name);
  }
  // the narrow chart is the one drawn at 390 px, with the same marker
  await p.goto(`${base}/w/shop/analytics?c=${campaignId}&range=30`);
  await p.screenshot({ path: join(shots, 'docs-analytics-390.png') });
  await p.goto(`${base}/w/shop/campaigns/${campaignId}`);
  await p.screenshot({ path: join(shots, 'docs-campaign-390.png') });
  assert.ok(await p.locator('svg.narrow [data-testid="anomaly-marker"]').isVisible(), 'the marker on the narrow chart');
  assert.ok(!(await p.locator('svg.wide').isVisible()), 'the wide chart is hidden at 390 px');
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
