/**
 * The console end to end in a real browser: a real host (createHost + buildApp + account routes +
 * the console buildApp mounts, PGlite in a temp dir, ephemeral port) and Debian's chromium through playwright-core.
 * sign up → create a workspace → enable agent-seo → call agent-seo:analyze_page from the generated
 * form → see the call in the audit log. Every main page is screenshotted (ui/test-results/) and
 * checked with axe-core (no serious or critical violations); the dashboard's LCP is printed.
 * Run: pnpm --filter @neonhub/ui build && pnpm --filter @neonhub/ui test:e2e
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { auditPage, bootConsoleHost, signUp } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const shots = join(uiDir, 'test-results');
mkdirSync(shots, { recursive: true });
const started = Date.now();
const log = (msg: string) => console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const booted = await bootConsoleHost({
  name: 'e2e',
  plugins: [
    'agent-seo',
    'governance',
    'data-trust',
    'eco',
    'agent-content',
    'agent-email',
    'agent-social',
    'agent-campaign',
    'connector-email-sandbox',
    'connector-social-sandbox',
  ],
  env: { NEONHUB_OUTBOUND_ALLOW: '127.0.0.1:11434' },
});
const { base, browser } = booted;
log(`host listening at ${base}`);
const violations: string[] = [];

async function check(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const audit = await auditPage(page, name, { overflow: false });
  violations.push(...audit.problems);
  log(`screenshot saved; ${audit.summary}`);
}

let failed = false;
let current: Page | undefined;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  current = page;
  page.setDefaultTimeout(15_000);

  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=/, 'a signed-out visitor is sent to the log-in page');
  await check(page, '01-login');

  // Sign up
  await signUp(page, base, { name: 'Mara Marketer', email: 'mara@example.com' });
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-neonhub_session');
  assert.ok(
    session?.httpOnly && session.secure && session.sameSite === 'Lax',
    'the session cookie is __Host-, HttpOnly, Secure, SameSite=Lax',
  );
  assert.equal(await page.evaluate(() => document.cookie.includes('neonhub_session')), false, 'scripts cannot read the session');
  log('signed up');

  // Create a workspace
  await page.getByLabel('Name', { exact: true }).fill('Spring launch');
  await page.getByLabel(/^Slug/).fill('spring');
  await Promise.all([page.waitForURL(`${base}/w/spring/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  log('workspace created');

  // Enable agent-seo
  await page.getByRole('button', { name: /^Enable SEO agent$/ }).click();
  await page.getByRole('button', { name: /^Disable SEO agent$/ }).waitFor();
  // The audit chain (data-trust) and usage (eco) capabilities, whose pages read their tools
  for (const plugin of ['Data trust', 'Eco']) {
    await page.getByRole('button', { name: `Enable ${plugin}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${plugin}`, exact: true }).waitFor();
  }
  await check(page, '03-plugins');
  await page.goto(`${base}/w/spring/plugins/agent-seo`);
  await check(page, '04-plugin-detail');
  log('agent-seo enabled');

  // Call agent-seo:analyze_page through the generated form
  await page.goto(`${base}/w/spring/call`);
  await page.getByLabel('Tool').selectOption('agent-seo:analyze_page');
  await Promise.all([
    page.waitForURL(/tool=agent-seo%3Aanalyze_page|tool=agent-seo:analyze_page/),
    page.getByRole('button', { name: 'Choose' }).click(),
  ]);
  await page
    .getByLabel('Text', { exact: true })
    .fill('Spring sale on running shoes. Our running shoes are light and fast. Find your next pair of running shoes today.');
  await page.getByLabel('Keywords').fill('running shoes');
  await page.getByRole('button', { name: 'Call tool' }).click();
  const result = page.getByTestId('tool-result');
  await result.waitFor();
  const output = JSON.parse((await result.textContent()) ?? '{}') as { counts?: { words: number } };
  assert.ok((output.counts?.words ?? 0) > 10, 'the tool result shows the word count');
  await check(page, '05-call-tool');
  log(`analyze_page returned ${output.counts?.words} words`);

  // The audit log lists the call
  let seen = false;
  for (let i = 0; i < 10 && !seen; i++) {
    await page.goto(`${base}/w/spring/audit`);
    seen =
      (await page.getByTestId('audit-table').count()) > 0 &&
      /agent-seo:analyze_page[\s\S]*ok/.test((await page.getByTestId('audit-table').textContent()) ?? '');
    if (!seen) await page.waitForTimeout(200);
  }
  assert.ok(seen, 'the audit log shows the agent-seo:analyze_page call with status ok');
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await page.getByText(/The chain verifies/).waitFor();
  log(`data-trust verify: ${await page.getByText(/The chain verifies/).textContent()}`);
  await check(page, '06-audit');
  log('the call is in the audit log');

  // Governance: a policy that holds analyze_page for approval, then approve it in the inbox
  await page.goto(`${base}/w/spring/plugins`);
  await page.getByRole('button', { name: 'Enable Governance', exact: true }).click();
  await page.getByRole('button', { name: 'Disable Governance', exact: true }).waitFor();
  await page.goto(`${base}/w/spring/call?tool=${encodeURIComponent('governance:set_policy')}`);
  await page.locator('#in-policy').fill('{"requireApproval":{"tools":["agent-seo:analyze_page"]}}');
  await page.getByRole('button', { name: 'Call tool' }).click();
  await page.getByTestId('tool-result').waitFor();
  await page.goto(`${base}/w/spring/call?tool=${encodeURIComponent('agent-seo:analyze_page')}`);
  await page.getByLabel('Text', { exact: true }).fill('A page that needs a second pair of eyes before it runs.');
  await page.getByRole('button', { name: 'Call tool' }).click();
  await page.getByText(/Waiting for approval/).waitFor();
  await page.goto(`${base}/w/spring/approvals`);
  await check(page, '09-approvals');
  await page
    .getByRole('button', { name: /^Approve:/ })
    .first()
    .click();
  await page.getByText('Nothing waits for approval.').waitFor();
  log('governance: the held call was approved from the inbox');

  // Runs: the plugins a spring-sale run needs, the goal from the runs page, the live DAG, approvals on the run page
  await page.goto(`${base}/w/spring/campaigns`);
  await page.getByTestId('plugin-missing').waitFor();
  await check(page, '12-campaigns-not-enabled');
  await page.goto(`${base}/w/spring/plugins`);
  for (const plugin of [
    'Content agent',
    'E-mail agent',
    'Social agent',
    'Campaign agent',
    'E-mail connector (sandbox)',
    'Social connector (sandbox)',
  ]) {
    await page.getByRole('button', { name: `Enable ${plugin}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${plugin}`, exact: true }).waitFor();
  }
  // Governance holds external calls (the default); the connectors the agents call under an approval are exempt.
  await page.goto(`${base}/w/spring/call?tool=${encodeURIComponent('governance:set_policy')}`);
  await page
    .locator('#in-policy')
    .fill(
      '{"requireApproval":{"sideEffects":["external"],"exceptTools":["connector-email-sandbox:send","connector-social-sandbox:post"]}}',
    );
  await page.getByRole('button', { name: 'Call tool' }).click();
  await page.getByTestId('tool-result').waitFor();
  log('spring-sale plugins enabled, policy set');

  await page.goto(`${base}/w/spring/runs`);
  await page.getByLabel(/^Goal/).fill('launch our spring sale on email and social');
  await page.getByLabel(/^E-mail recipients/).fill('ada@example.com, grace@example.com');
  await page.getByRole('checkbox', { name: 'LinkedIn', exact: true }).check();
  await Promise.all([page.waitForURL(/\/w\/spring\/runs\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Run', exact: true }).click()]);
  const runUrl = page.url();
  const dag = page.getByTestId('dag');
  await dag.waitFor();
  const nodes = await dag.locator('[data-step]').count();
  assert.ok(nodes >= 7, `the DAG shows the plan's steps (${nodes})`);
  // The page follows the run live (WebSocket, else polling) until steps wait for approval
  await page
    .getByRole('button', { name: /^Approve / })
    .first()
    .waitFor({ timeout: 60_000 });
  const liveMode = (await page.getByTestId('live').textContent())?.trim();
  log(`run page updated live (${liveMode}); ${await dag.locator('[data-status="waiting_approval"]').count()} step(s) wait for approval`);
  await check(page, '13-run-waiting');
  for (let i = 0; i < 6; i++) {
    const approve = page.getByRole('button', { name: /^Approve / });
    if ((await approve.count()) === 0) break;
    const label = await approve.first().getAttribute('aria-label');
    await approve.first().click();
    await page.waitForFunction((l) => !document.querySelector(`button[aria-label="${l}"]`), label, { timeout: 30_000 });
    log(`${label}: done`);
  }
  await page.locator('[data-testid="run-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
  assert.equal(await dag.locator('[data-status="succeeded"]').count(), nodes, 'every step succeeded');
  await check(page, '14-run-succeeded');
  await page.goto(`${base}/w/spring/runs`);
  assert.match((await page.getByTestId('runs-table').textContent()) ?? '', /spring sale[\s\S]*succeeded/);
  await check(page, '15-runs');
  log('the spring-sale run succeeded after approvals on the run page');

  // Content: the run's drafts, labelled as the offline model's; a revision and its diff
  await page.goto(`${base}/w/spring/content`);
  await page.getByTestId('drafts').waitFor();
  await check(page, '16-content');
  await page.getByTestId('drafts').getByRole('link').first().click();
  await page.getByTestId('offline-label').waitFor();
  assert.match((await page.getByTestId('draft-text').textContent()) ?? '', /^\[offline model\]/);
  await page.getByTestId('editor').fill('Spring sale: 20% off running shoes this week only.\nReply to this e-mail with questions.');
  await page.getByLabel(/^Note/).first().fill('tightened by Mara');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await page.getByText(/Saved version 2/).waitFor();
  const diffView = page.getByTestId('diff');
  assert.ok(
    (await diffView.locator('tr.change, tr.add').count()) > 0 && (await diffView.locator('tr.change, tr.remove').count()) > 0,
    'the side-by-side diff marks added and removed lines',
  );
  await check(page, '17-draft');
  log('content: offline-labelled draft revised, diff shown');

  // Campaigns: create one and allocate its budget
  await page.goto(`${base}/w/spring/campaigns`);
  await page.getByLabel('Name', { exact: true }).fill('Spring sale 2026');
  await page.getByLabel(/^Budget/).fill('5000');
  await page.getByLabel(/^Goal/).fill('500 running-shoe orders');
  await page.getByLabel(/^Audience/).fill('runners who bought in the last year');
  await Promise.all([page.waitForURL(/\/campaigns\/cmp_/), page.getByRole('button', { name: 'Create campaign' }).click()]);
  // no decision yet: "Reallocate now" splits the budget across its channels (it has no A/B variants)
  await page.getByTestId('no-allocation').waitFor();
  await page.getByRole('button', { name: 'Reallocate now' }).click();
  await page.getByTestId('allocation').waitFor();
  const arms = await page.getByTestId('allocation').locator('tbody tr').count();
  assert.equal(arms, 2, 'the budget is allocated across the two channels');
  await check(page, '18-campaign');
  await page.goto(`${base}/w/spring/campaigns`);
  await check(page, '19-campaigns');

  // Social calendar: the published LinkedIn post in this month
  await page.goto(`${base}/w/spring/calendar`);
  await page.getByTestId('calendar').waitFor();
  const posts = await page.locator('table [data-testid="cal-item"]').count();
  // a post the run published at once comes from the outbox, which carries its network
  const published = await page.locator('table [data-testid="cal-item"][data-status="published"][data-channel="linkedin"]').count();
  assert.ok(published >= 1, `the run's published LinkedIn post is on the calendar at its publish time (${posts} item(s))`);
  log(`calendar shows ${posts} post(s) this month, ${published} published on LinkedIn by the run`);
  await check(page, '20-calendar');

  // The workspace's model: the host's default (offline), then Ollama set for this workspace, then back.
  await page.goto(`${base}/w/spring/model`);
  assert.match((await page.locator('#current-title + dl').textContent()) ?? '', /offline[\s\S]*the host's default/);
  // a refused save keeps what was typed and says why beside the field: Anthropic without a key of the workspace's own
  await page.locator('#llm-provider').selectOption('anthropic');
  await page.locator('#llm-model').fill('claude-typed-by-hand');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#llm-key-error').waitFor();
  assert.equal(await page.locator('#llm-model').inputValue(), 'claude-typed-by-hand', 'the model typed survives the refusal');
  assert.equal(await page.locator('#llm-provider').inputValue(), 'anthropic', 'the provider picked survives the refusal');
  assert.equal(await page.locator('#llm-key').getAttribute('aria-invalid'), 'true');
  assert.match((await page.locator('#llm-key').getAttribute('aria-describedby')) ?? '', /\bllm-key-error\b/);
  assert.match(await page.locator('#llm-key-error').innerText(), /apiKey|key/i);
  await page.locator('#llm-provider').selectOption('ollama');
  await page.locator('#llm-model').fill('llama3.2');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved: the next calls use it.').waitFor();
  await page.reload();
  assert.match((await page.locator('#current-title + dl').textContent()) ?? '', /ollama[\s\S]*llama3\.2[\s\S]*this workspace/);
  await check(page, '21-model');
  await page.getByRole('button', { name: "Use the host's default" }).click();
  await page.getByText("Back to the host's default").waitFor();
  log('model page: set Ollama for the workspace, then back to the host default');

  for (const [path, name] of [
    ['members', '07-members'],
    ['tokens', '08-tokens'],
    ['usage', '10-usage'],
  ] as const) {
    await page.goto(`${base}/w/spring/${path}`);
    await check(page, name);
  }
  await page.goto(`${base}/w/spring/usage`);
  const calls = Number(await page.getByTestId('usage-calls').textContent());
  assert.ok(calls >= 1, `eco's usage_summary counts the call (${calls})`);
  log(`usage page: ${calls} call(s) counted by eco`);
  // The charts: Chart.js is loaded in the browser only (onMount), draws on a sized canvas, and the
  // server-rendered tables keep the same figures for screen readers and for pages without scripts.
  for (const id of ['chart-calls-tokens', 'chart-energy', 'chart-by-tool']) {
    await page.locator(`[data-testid="${id}"][data-chart-ready="true"]`).waitFor();
    const drawn = await page.locator(`[data-testid="${id}"] canvas`).evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      const img = ctx ? ctx.getImageData(0, 0, c.width, c.height).data : new Uint8ClampedArray();
      let inked = 0;
      for (let i = 3; i < img.length; i += 4) if ((img[i] ?? 0) > 0) inked++;
      return {
        w: c.width,
        h: c.height,
        role: c.getAttribute('role'),
        label: c.getAttribute('aria-label') ?? '',
        chartjs: '$chartjs' in c,
        inked,
      };
    });
    assert.ok(drawn.w > 0 && drawn.h > 0, `${id}: the canvas has a size (${drawn.w}x${drawn.h})`);
    assert.ok(drawn.chartjs, `${id}: Chart.js owns the canvas`);
    assert.ok(drawn.inked > 500, `${id}: the canvas is drawn on (${drawn.inked} pixels)`);
    assert.equal(drawn.role, 'img');
    assert.ok(drawn.label.startsWith('Chart:'), `${id}: the canvas is labelled`);
  }
  const dayRows = await page.locator('#per-day-table tbody tr').count();
  assert.ok(dayRows >= 1, 'the per-day table lists the days');
  assert.ok((await page.locator('#by-tool-table tbody tr').count()) >= 1, 'the by-tool table lists tools');
  await page.waitForTimeout(500); // let the charts' entry animation finish before the screenshot
  await check(page, '10b-usage-charts');
  log(`usage charts: calls/tokens, energy/CO2e (${dayRows} day(s)) and by tool drawn by Chart.js`);

  // The dashboard, with its Largest Contentful Paint measured in the browser
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const lcp = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          done(entries[entries.length - 1]?.startTime ?? -1);
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        setTimeout(() => done(-1), 3000);
      }),
  );
  // Speed is measured by bench/console (side by side, one command), not asserted here: a loaded CI machine
  // would turn a timing into a flake. The test only checks that a paint happened.
  log(`dashboard LCP ${lcp.toFixed(0)} ms (measured properly by bench/console)`);
  assert.ok(lcp > 0, 'the dashboard painted its largest content');
  await check(page, '02-dashboard');

  // Dark mode toggle (no JavaScript needed: a form post)
  await page.getByRole('button', { name: /^Colour theme/ }).click();
  await page.waitForLoadState('load');
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  assert.ok(theme === 'light' || theme === 'dark', `the theme toggle set data-theme (${theme})`);
  await check(page, '11-dashboard-toggled-theme');

  // Forms work without JavaScript: log in with scripts off
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await noJs.newPage();
  await p2.goto(`${base}/login`);
  await p2.getByLabel('E-mail').fill('mara@example.com');
  await p2.getByLabel('Password').fill('wrong password!');
  await p2.getByRole('button', { name: 'Log in' }).click();
  await p2.getByRole('alert').waitFor();
  assert.match((await p2.getByRole('alert').textContent()) ?? '', /NH_AUTH_CREDENTIALS_INVALID/);
  await p2.getByLabel('Password').fill('correct horse battery');
  await Promise.all([p2.waitForURL(`${base}/`), p2.getByRole('button', { name: 'Log in' }).click()]);
  assert.ok((await p2.getByRole('heading', { name: 'Your workspaces' }).count()) === 1, 'logged in without JavaScript');
  log('log-in works without JavaScript');
  await p2.goto(runUrl);
  assert.match((await p2.getByTestId('run-status').textContent()) ?? '', /succeeded/);
  assert.equal(await p2.getByRole('link', { name: 'Refresh' }).count(), 1, 'the run page offers a refresh link without JavaScript');
  await p2.goto(`${base}/w/spring/usage`);
  assert.ok((await p2.locator('#per-day-table tbody tr').count()) >= 1, 'without JavaScript the usage page still has its per-day table');
  assert.equal(await p2.locator('canvas').count(), 0, 'without JavaScript no empty chart canvas is rendered');
  log('the run page renders without JavaScript');

  // A cross-site form post is refused by SvelteKit's origin check
  const forged = await fetch(`${base}/?/createWorkspace`, {
    method: 'POST',
    headers: {
      origin: 'https://evil.example',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `__Host-neonhub_session=${session?.value}`,
    },
    body: 'slug=evil',
  });
  assert.equal(forged.status, 403, 'cross-site form posts are refused');
  log('cross-site form post refused (403)');

  assert.deepEqual(violations, [], `axe found serious/critical violations:\n${violations.join('\n')}`);
  log(`PASS: the whole flow works; screenshots in ${shots}`);
} catch (err) {
  failed = true;
  console.error(err);
  if (current) {
    await current.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
    console.error(
      `failed on ${current.url()}:`,
      (
        (await current
          .locator('main')
          .textContent()
          .catch(() => '')) ?? ''
      ).slice(0, 600),
    );
  }
  if (violations.length) console.error(violations.join('\n'));
} finally {
  await booted.close();
}
process.exit(failed ? 1 : 0);
