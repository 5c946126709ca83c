/**
 * What a marketer new to NeonHub trips on after a first goal, in Chromium at 1440 px and 390 px, against a real host
 * (PGlite in a temp dir; governance, the content, e-mail and social agents, the sandbox connectors) and the built
 * console: "launch our spring sale on email and social" → approve all in the inbox → the inbox offers the way on to
 * the run (no dead end after the last approval) → the run's results → Analytics names the run's sends by its goal
 * (never `run:<uuid>`) → the Outbox says where each message went and through which connector in words (never a
 * plugin id) and fits a phone as cards. Every page state: a screenshot (ui/test-results/newcomer-*.png), axe (0
 * serious/critical) and no horizontal overflow. Run: pnpm --filter @neonhub/ui build && tsx test/e2e/newcomer.e2e.ts
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
const log = (msg: string) => console.log(`[newcomer +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
/** A cap on any one condition (a passing run never waits it out; this machine can be loaded far past its cores). */
const WAIT = 60_000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const GOAL = 'launch our spring sale on email and social';
const PLUGINS = ['governance', 'agent-content', 'agent-email', 'agent-social', 'connector-email-sandbox', 'connector-social-sandbox'];

const booted = await bootConsoleHost({ name: 'newcomer', plugins: PLUGINS });
const { base, browser, host } = booted;
log(`host listening at ${base}`);
const problems: string[] = [];

async function check(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `newcomer-${name}-${width}.png`), fullPage: true, timeout: WAIT });
  const audit = await auditPage(page, `${width}/${name}`);
  problems.push(...audit.problems);
  log(audit.summary);
}

/** Both widths of one page state: as it is (1440 px), then at 390 px, then back. */
async function checkBoth(page: Page, name: string) {
  await check(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await check(page, name);
  await page.setViewportSize({ width: 1440, height: 900 });
}

let failed = false;
try {
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await desk.newPage();
  page.setDefaultTimeout(WAIT);
  await signUp(page, base, { name: 'Nina Newcomer', email: 'nina@example.com' });
  await page.getByLabel('Name', { exact: true }).fill('Spring');
  await page.getByLabel(/^Slug/).fill('spring');
  await Promise.all([page.waitForURL(`${base}/w/spring/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  for (const p of PLUGINS) await host.storage.service.enablePlugin('spring', p);

  // ---- a first goal, its sends approved all at once in the inbox
  await page.goto(`${base}/w/spring/runs`);
  await page.getByLabel(/^Goal/).fill(GOAL);
  await page.getByLabel(/^E-mail recipients/).fill('ada@example.com');
  await page.getByRole('checkbox', { name: 'LinkedIn', exact: true }).check();
  await Promise.all([page.waitForURL(/\/w\/spring\/runs\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Run', exact: true }).click()]);
  const runUrl = page.url();
  await page.getByRole('button', { name: /^Approve all \d+$/ }).waitFor({ timeout: 2 * WAIT });
  log(`run ${runUrl} waits for approval`);
  await page.goto(`${base}/w/spring/approvals`);
  await Promise.all([
    page.waitForURL(/\/approvals\?approved=\d+/),
    page.getByRole('button', { name: /^Approve all \d+ in this run$/ }).click(),
  ]);
  await page.getByText('Nothing waits for approval.').waitFor();
  // not a dead end: the inbox offers the way on to the run it approved
  const follow = page.getByTestId('follow-run').getByRole('link');
  assert.equal(await follow.getAttribute('href'), new URL(runUrl).pathname, 'the inbox links on to the run just approved');
  await checkBoth(page, 'approved');
  await Promise.all([page.waitForURL(runUrl), follow.click()]);
  await page.getByText(/This run sent \d+ e-mails? and published \d+ posts?\./).waitFor({ timeout: 2 * WAIT });
  await checkBoth(page, 'run-results');
  log('after "Approve all", the inbox links on to the run; the run shows what it sent');

  // ---- Analytics: the run's sends are named by its goal, never run:<uuid>
  const campaign = page.getByLabel('Campaign');
  const deadline = Date.now() + WAIT;
  for (;;) {
    await page.goto(`${base}/w/spring/analytics`);
    if ((await campaign.count()) > 0) break;
    assert.ok(Date.now() < deadline, 'the run’s sends reach Analytics');
    await page.waitForTimeout(250);
  }
  const picked = (await campaign.locator('option:checked').innerText()).trim();
  assert.match(picked, new RegExp(`^Run “${GOAL}” · `), 'the campaign picker names the run by its goal');
  const analytics = await page.locator('main').innerText();
  assert.doesNotMatch(analytics, /\brun:/, 'Analytics shows no run: key');
  assert.equal(UUID.exec(analytics), null, 'Analytics shows no run id');
  assert.match(await page.locator('#funnel-title').innerText(), new RegExp(`^Funnel: Run “${GOAL}”`));
  await checkBoth(page, 'analytics');
  log(`Analytics names the run's sends "${picked}"`);

  // ---- Outbox: where each message went, through which connector, in words; a phone reads it as cards
  await page.goto(`${base}/w/spring/outbox`);
  const table = page.getByTestId('outbox-table');
  await table.waitFor();
  const outbox = await page.locator('main').innerText();
  assert.doesNotMatch(outbox, /connector-(email|social)-sandbox/, 'the Outbox names connectors, not plugin ids');
  assert.doesNotMatch(outbox, /idempotency/i);
  const post = table.locator('tbody tr').filter({ hasText: 'Social post' });
  assert.match(await post.innerText(), /LinkedIn/, 'a post says the network it went to');
  assert.match(await post.innerText(), /Social connector \(sandbox\)/);
  assert.match(await table.locator('tbody tr').filter({ hasText: 'ada@example.com' }).innerText(), /E-mail connector \(sandbox\)/);
  await checkBoth(page, 'outbox');
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(
    await table
      .locator('tbody tr')
      .first()
      .evaluate((tr) => getComputedStyle(tr).display),
    'block',
    'rows are cards on a phone',
  );
  await page.setViewportSize({ width: 1440, height: 900 });
  log('the Outbox names where and through what each message went, and fits a phone');

  if (problems.length) {
    for (const p of problems) console.error(`  ${p}`);
    throw new Error(`${problems.length} accessibility or layout problem(s)`);
  }
  log('PASS');
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await booted.close();
}
process.exit(failed ? 1 : 0);
