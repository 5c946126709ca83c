/**
 * The marketer's journey in a real browser, at 1440 px and at 390 px: sign up → workspace → enable the
 * spring-sale plugins → a goal → the approvals inbox (the e-mail rendered as the recipient sees it, each post
 * as its network shows it, why it waits, names not ids) approved and rejected with the keyboard only (focus moves
 * to the next pending approval) → the run (the rejection's reason and who decided) → home → a viewer (no write
 * actions; the host refuses them anyway) → log out, and log out everywhere.
 * Every page state: a screenshot (ui/test/e2e/screenshots/, a CI artifact), axe (0 serious/critical), and at
 * 390 px no horizontal overflow (document.documentElement.scrollWidth <= innerWidth).
 * Run: pnpm --filter @neonhub/ui build && tsx ui/test/e2e/journey.e2e.ts
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { auditPage, bootConsoleHost, hydrated, signUp as signUpForm } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const shots = join(uiDir, 'test/e2e/screenshots');
const docShots = join(repoRoot, 'docs', 'images', 'console');
mkdirSync(shots, { recursive: true });
mkdirSync(docShots, { recursive: true });
const started = Date.now();
const log = (msg: string) => console.log(`[journey +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
/** How long any one condition may take to come true: generous, since every wait is for a condition (a passing run never
 * waits it out) and this machine can be loaded far past its two cores. */
const WAIT = 60_000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const booted = await bootConsoleHost({
  name: 'journey',
  plugins: [
    'governance',
    'agent-content',
    'agent-email',
    'agent-social',
    'agent-campaign',
    'connector-email-sandbox',
    'connector-social-sandbox',
    'eco',
  ],
});
const { base, browser } = booted;
log(`host listening at ${base}`);
const problems: string[] = [];

/** Screenshot, axe, and (narrow) no horizontal overflow; problems are collected and fail the run at the end. */
async function check(page: Page, name: string, doc?: string) {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `${width}-${name}.png`), fullPage: true, timeout: 60_000 });
  // docs/console.md shows a few of them, viewport-sized to keep them small
  if (doc) await page.screenshot({ path: join(docShots, `${doc}.png`), timeout: 60_000 });
  const audit = await auditPage(page, `${width}/${name}`);
  problems.push(...audit.problems);
  log(audit.summary);
}

/** The text a person reads in <main> carries no raw template and no bare id. */
async function readable(page: Page, what: string) {
  const text = await page.locator('main').innerText();
  assert.ok(!text.includes('{{'), `${what}: no unresolved {{…}} template`);
  const id = UUID.exec(text);
  assert.equal(id, null, `${what}: no UUID in the visible text (found ${id?.[0]})`);
}

async function signUp(context: BrowserContext, name: string, email: string) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await signUpForm(page, base, { name, email });
  return page;
}

async function logIn(context: BrowserContext, email: string) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Log in' }).click()]);
  return page;
}

/** Starts the spring-sale goal from the runs page; returns the run's URL once its steps wait for approval. */
async function startRun(page: Page, goal: string) {
  await page.goto(`${base}/w/spring/runs`);
  await page.getByLabel(/^Goal/).fill(goal);
  await page.getByLabel(/^E-mail recipients/).fill('ada@example.com, grace@example.com');
  await page.getByRole('checkbox', { name: 'LinkedIn', exact: true }).check();
  await page.getByRole('checkbox', { name: 'X', exact: true }).check();
  await Promise.all([page.waitForURL(/\/w\/spring\/runs\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Run', exact: true }).click()]);
  await page.getByTestId('waiting').waitFor({ timeout: 2 * WAIT });
  return page.url();
}

/**
 * Waits until the run (whose page is open: it follows the host's events live) holds `n` steps for approval — its
 * "Approve all n" button — then opens the approvals inbox, which reads the same runs.
 */
async function approvalsWaiting(page: Page, runUrl: string, n: number) {
  if (page.url() !== runUrl) await page.goto(runUrl);
  await page.getByRole('button', { name: `Approve all ${n}` }).waitFor({ timeout: 2 * WAIT });
  await page.goto(`${base}/w/spring/approvals`);
  await page
    .locator('[data-pending]')
    .nth(n - 1)
    .waitFor();
}

/**
 * At 390 px every data table of the page fits the screen and reads as cards: no table wider than the viewport, each
 * row a block (a card) whose cells are labelled with their column's heading. The month grid of the calendar is a
 * calendar, not a list: it only has to fit.
 */
async function tablesAreCards(page: Page, what: string, expectTables: number, cards = true) {
  const tables = await page.evaluate(() =>
    [...document.querySelectorAll('main table')].map((t) => {
      const row = t.querySelector('tbody tr');
      const cells = [...t.querySelectorAll('tbody tr > td, tbody tr > th')];
      return {
        name: t.getAttribute('data-testid') ?? t.id ?? t.className,
        grid: t.matches('[data-testid="calendar"]'),
        right: t.getBoundingClientRect().right,
        width: t.getBoundingClientRect().width,
        rowDisplay: row ? getComputedStyle(row).display : null,
        unlabelled: cells.filter((c) => c.textContent?.trim() && getComputedStyle(c, '::before').content === 'none').length,
        rows: t.querySelectorAll('tbody tr').length,
      };
    }),
  );
  const inner = await page.evaluate(() => window.innerWidth);
  assert.ok(tables.length >= expectTables, `${what}: ${expectTables} table(s) at least (found ${tables.length})`);
  for (const t of tables) {
    assert.ok(
      t.right <= inner + 0.5 && t.width <= inner,
      `${what}: table ${t.name} fits the screen (${t.width} px, right edge ${t.right} of ${inner})`,
    );
    if (!cards || t.grid || t.rows === 0) continue;
    assert.equal(t.rowDisplay, 'block', `${what}: table ${t.name}'s rows are cards at 390 px`);
    assert.equal(t.unlabelled, 0, `${what}: every cell of ${t.name} is labelled with its column`);
  }
  log(`${what}: ${tables.length} table(s) fit at ${inner} px${cards && tables.length ? ', rows as labelled cards' : ''}`);
}

/** Presses Tab until the focused element matches `selector` (keyboard only), at most 80 times. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

let failed = false;
let current: Page | undefined;
try {
  // ---------------------------------------------------------------- 1440 px: the journey
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await signUp(desk, 'Mara Marketer', 'mara@example.com');
  current = page;
  await page.getByLabel('Name', { exact: true }).fill('Spring launch');
  await page.getByLabel(/^Slug/).fill('spring');
  await Promise.all([page.waitForURL(`${base}/w/spring/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  for (const plugin of [
    'Governance',
    'Content agent',
    'E-mail agent',
    'Social agent',
    'Campaign agent',
    'E-mail connector (sandbox)',
    'Social connector (sandbox)',
    'Eco',
  ]) {
    await page.getByRole('button', { name: `Enable ${plugin}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${plugin}`, exact: true }).waitFor();
  }
  log('signed up, workspace created, spring-sale plugins and governance enabled');

  await page.goto(`${base}/w/spring`);
  await check(page, '01-home-empty');

  const runUrl = await startRun(page, 'launch our spring sale on email and social');
  log(`run started: ${runUrl}`);
  await approvalsWaiting(page, runUrl, 3);
  const items = page.locator('[data-pending]');
  assert.equal(await items.count(), 3, 'the e-mail and two posts wait');
  // the first previews come with the page, the others render as they near the screen (or are opened): thirty e-mail
  // frames at once made the inbox slow to load and to hydrate
  const served = await page.evaluate(() => fetch(location.href, { headers: { accept: 'text/html' } }).then((r) => r.text()));
  assert.equal(
    (served.match(/data-testid="deferred-preview"/g) ?? []).length,
    1,
    'two previews come rendered with the page, the third later',
  );
  await items.nth(2).scrollIntoViewIfNeeded();
  await page.getByTestId('deferred-preview').waitFor({ state: 'detached' });
  await readable(page, 'approvals');
  // the pending badge and the bell
  await page.getByTestId('pending-count').first().waitFor();
  assert.equal((await page.getByTestId('pending-count').first().textContent())?.trim(), '3', 'the bell counts 3 waiting');
  // why it waits, in words (the policy's rule once the provider's list, streamed after paint, names it); asked by a name
  await page
    .getByText(/Your approval policy asks a person to approve anything that reaches outside NeonHub/)
    .first()
    .waitFor();
  const main = await page.locator('main').innerText();
  assert.match(main, /Your approval policy asks a person to approve anything that reaches outside NeonHub/);
  assert.match(main, /asked by Mara Marketer \(you\)/);
  // until when each can be approved (governance's expiry), in the workspace's time zone
  assert.equal(await page.getByTestId('approval-expires').count(), 3, 'each approval says until when it can be approved');
  assert.match(main, /Approve by .+ · expires in \d+ (h|days)/);
  // the e-mail as the recipient sees it: a sandboxed frame without scripts, merge fields for a sample recipient
  const frame = page.getByTestId('email-preview').locator('iframe');
  assert.equal(await frame.getAttribute('sandbox'), '', 'the e-mail frame is sandboxed with nothing allowed');
  const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
  assert.ok(
    srcdoc.includes('<p>') && !srcdoc.includes('{{') && !/<script/i.test(srcdoc),
    'the frame shows the e-mail body, merged, no script',
  );
  assert.match(await page.getByTestId('email-preview').innerText(), /ada@example\.com[\s\S]*and 1 more/);
  const desktopWidth = await frame.evaluate((f) => f.getBoundingClientRect().width);
  await page.getByTestId('email-preview').getByText('Mobile').click();
  const mobileWidth = await frame.evaluate((f) => f.getBoundingClientRect().width);
  assert.ok(desktopWidth > 500 && mobileWidth <= 375, `the mobile toggle narrows the e-mail (${desktopWidth} -> ${mobileWidth})`);
  // each post as its network shows it, with the network's limit
  const posts = page.getByTestId('social-preview');
  assert.equal(await posts.count(), 2);
  assert.match(await posts.filter({ hasText: 'on X' }).innerText(), /\/ 280 characters/);
  assert.match(await posts.filter({ hasText: 'on LinkedIn' }).innerText(), /\/ 3,000 characters/);
  await check(page, '02-approvals', 'approvals');
  log('approvals: e-mail rendered in a sandboxed frame (desktop/mobile), posts per network, policy in words, names');

  // Keyboard only: approve each, reject the X post with a reason; focus lands on the next pending approval.
  await page.goto(`${base}/w/spring/approvals`);
  for (let left = 3; left > 0; left--) {
    const focusedKey =
      left === 3 ? null : await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.pending ?? null);
    if (left < 3) assert.ok(focusedKey, `after a decision the focus is on the next pending approval (${left} left)`);
    const target = focusedKey ? `[data-pending="${focusedKey}"]` : '[data-pending]:first-of-type';
    const title =
      (await page
        .locator(focusedKey ? target : '[data-pending]')
        .first()
        .locator('h4')
        .textContent()) ?? '';
    if (/ x post/i.test(title)) {
      await tabTo(page, 'input[name="reason"]');
      await page.keyboard.type('Too salesy for X');
      await page.keyboard.press('Enter');
    } else {
      await tabTo(page, 'button[aria-label^="Approve:"]');
      await page.keyboard.press('Enter');
    }
    await page.waitForFunction((n) => document.querySelectorAll('[data-pending]').length === n, left - 1, { timeout: WAIT });
    log(`keyboard: decided “${title}”`);
    if (left === 2) await check(page, '03-approvals-after-keyboard');
  }
  assert.equal(
    await page.evaluate(() => document.activeElement?.id),
    'approvals-status',
    'with nothing left the focus is on the status line',
  );
  await page.getByText('Nothing waits for approval.').waitFor();

  // The run: finished, the rejection's reason and who decided, readable step names
  await page.goto(runUrl);
  await page.locator('[data-testid="run-status"]', { hasText: /succeeded|failed/ }).waitFor({ timeout: 2 * WAIT });
  await page.reload();
  const reason = await page.getByTestId('reject-reason').innerText();
  assert.match(reason, /Rejected by Mara Marketer \(you\): “Too salesy for X”/);
  assert.equal(await page.locator('[data-shown="rejected"]').count(), 1, 'the graph shows the step as rejected, not failed');
  assert.match(await page.locator('main').innerText(), /approved by Mara Marketer \(you\)/);
  await readable(page, 'run');
  await check(page, '04-run', 'run');
  log(`run page: ${reason}`);

  // The calendar: the post the run published at once (the outbox) shows its network, not just "social"
  await page.goto(`${base}/w/spring/calendar`);
  const published = page.locator('table[data-testid="calendar"] [data-testid="cal-item"][data-status="published"]');
  await published.first().waitFor();
  assert.deepEqual(
    await published.evaluateAll((els) => els.map((e) => e.getAttribute('data-channel'))),
    ['linkedin'],
    'the published post is on the calendar as a LinkedIn post (the X post was rejected)',
  );
  assert.match(await published.first().innerText(), /LinkedIn/);
  await check(page, '04b-calendar');

  // Home: the run, the calendar strip, campaigns
  await page.goto(`${base}/w/spring/campaigns`);
  await page.getByLabel('Name', { exact: true }).fill('Spring sale 2026');
  await page.getByLabel(/^Budget/).fill('5000');
  await page.getByLabel(/^Goal/).fill('500 running-shoe orders');
  await page.getByLabel(/^Audience/).fill('runners who bought in the last year');
  await Promise.all([page.waitForURL(/\/campaigns\/cmp_/), page.getByRole('button', { name: 'Create campaign' }).click()]);
  await page.goto(`${base}/w/spring`);
  await page.getByRole('heading', { name: 'Campaigns in flight' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Spring sale 2026[\s\S]*Impressions/);
  await page.getByTestId('calendar-strip').waitFor();
  await readable(page, 'home');
  await check(page, '05-home', 'home');

  // A viewer: no admin tabs, no write actions (and the host refuses them anyway)
  await page.goto(`${base}/w/spring/members`);
  await page.locator('#inv-email').fill('vic@example.com');
  await page.locator('#inv-role').selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText(/vic@example\.com invited/).waitFor();
  const viewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const viewer = await signUp(viewerContext, 'Vic Viewer', 'vic@example.com');
  current = viewer;
  await viewer.goto(`${base}/w/spring`);
  const nav = await viewer.getByRole('navigation', { name: 'Workspace', exact: true }).innerText();
  for (const admin of ['Plugins', 'Members', 'API tokens', 'Audit log', 'Call a tool'])
    assert.ok(!nav.includes(admin), `a viewer sees no ${admin} tab`);
  await check(viewer, '06-viewer-home');
  await viewer.goto(`${base}/w/spring/call?tool=${encodeURIComponent('agent-social:publish')}`);
  assert.ok(await viewer.getByRole('button', { name: 'Call tool' }).isDisabled(), 'a viewer cannot press Call tool for a write tool');
  await viewer.goto(`${base}/w/spring/runs`);
  assert.equal(await viewer.getByRole('button', { name: 'Run', exact: true }).count(), 0, 'a viewer cannot start a run');
  // the host enforces it: the form post a hidden button would have made is refused
  const refused = await viewer.evaluate(async (url) => {
    const body = new URLSearchParams({ goal: 'sneak a run in' });
    const r = await fetch(url, { method: 'POST', body, headers: { 'x-sveltekit-action': 'true' } });
    return r.text();
  }, `${base}/w/spring/runs?/start`);
  assert.match(refused, /NH_AUTH_FORBIDDEN/, 'the host refuses a viewer starting a run');
  for (const [path, writes] of [
    ['audiences', ['Import', 'Preview', 'Create list']],
    ['calendar', ['+ New post']],
    ['members', ['Invite', 'Change', 'Remove']],
    ['usage', []],
  ] as const) {
    await viewer.goto(`${base}/w/spring/${path}`);
    for (const name of writes) {
      const found =
        (await viewer.getByRole('button', { name, exact: true }).count()) + (await viewer.getByRole('link', { name, exact: true }).count());
      assert.equal(found, 0, `a viewer sees no “${name}” on ${path}`);
    }
  }
  log('viewer: admin tabs hidden, no write actions, Call tool disabled for a write tool, the host refuses a run');

  // A member: works (can start a run) but sees no admin tab
  await page.goto(`${base}/w/spring/members`);
  await page.locator('#inv-email').fill('max@example.com');
  await page.locator('#inv-role').selectOption('member');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText(/max@example\.com invited/).waitFor();
  const memberContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const member = await signUp(memberContext, 'Max Member', 'max@example.com');
  current = member;
  for (const path of ['', '/runs', '/usage', '/audiences', '/calendar']) {
    await member.goto(`${base}/w/spring${path}`);
    const memberNav = await member.getByRole('navigation', { name: 'Workspace', exact: true }).innerText();
    for (const admin of ['Plugins', 'Members', 'Model', 'API tokens', 'Audit log', 'Call a tool'])
      assert.ok(!memberNav.includes(admin), `a member sees no ${admin} tab on ${path || 'home'}`);
  }
  await member.goto(`${base}/w/spring/runs`);
  assert.equal(await member.getByRole('button', { name: 'Run', exact: true }).count(), 1, 'a member can start a run');
  await memberContext.close();
  current = page;
  log('member: no admin tab on home, runs, usage, audiences, calendar; can start a run');

  // Log out (this device), then log out everywhere (another device of Mara's ends too)
  current = page;
  await page.locator('summary', { hasText: 'Account menu' }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.waitForURL(/\/login\?ended=here/);
  await page.getByText('You are logged out.').waitFor();
  await check(page, '07-logged-out');
  await page.goto(`${base}/w/spring`);
  assert.match(page.url(), /\/login\?next=/, 'after log-out the session is gone');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'light' });
  const other = await logIn(phone, 'mara@example.com');
  const again = await logIn(desk, 'mara@example.com');
  current = again;
  await again.locator('summary', { hasText: 'Account menu' }).click();
  await again.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Log out everywhere' }).click();
  await again.waitForURL(/\/login\?ended=all/);
  await again.getByText('You were logged out on every device.').waitFor();
  await other.goto(`${base}/w/spring`);
  assert.match(other.url(), /\/login\?next=/, 'log out everywhere ended the other device too');
  log('log out and log out everywhere work (no 500; the other device is logged out)');

  // ---------------------------------------------------------------- 390 px: every page fits
  const mobile = await logIn(phone, 'mara@example.com');
  current = mobile;
  const run2 = await startRun(mobile, 'announce our summer preview on email and social');
  await approvalsWaiting(mobile, run2, 3);
  // the viewer, while three wait: sees them, cannot decide them (inbox and run page)
  current = viewer;
  await viewer.goto(`${base}/w/spring/approvals`);
  await viewer.locator('[data-pending]').nth(2).waitFor();
  assert.equal(await viewer.getByRole('button', { name: /^(Approve|Reject)/ }).count(), 0, 'a viewer has no Approve/Reject in the inbox');
  await viewer.goto(run2);
  await viewer.getByTestId('waiting').waitFor();
  assert.equal(await viewer.getByRole('button', { name: /^(Approve|Reject)/ }).count(), 0, 'a viewer has no Approve/Reject on the run');
  assert.equal(await viewer.getByTestId('approval-expires').count(), 3, 'the run page says until when each step can be approved');
  current = mobile;
  await mobile.goto(`${base}/w/spring`);
  const headingY = await mobile.getByRole('heading', { name: 'Home', exact: true }).evaluate((h) => h.getBoundingClientRect().top);
  assert.ok(headingY < 220, `at 390 px the page heading starts near the top (y=${headingY})`);
  await check(mobile, '01-home', 'home-390');
  // the menu fits and navigates
  await mobile.getByText('Menu', { exact: true }).click();
  await check(mobile, '02-menu-open');
  await mobile
    .getByRole('navigation', { name: 'Workspace (menu)' })
    .getByRole('link', { name: /^Approvals/ })
    .click();
  await mobile.waitForURL(`${base}/w/spring/approvals`);
  await readable(mobile, 'approvals at 390 px');
  await check(mobile, '03-approvals', 'approvals-390');
  await mobile.getByTestId('email-preview').first().getByText('Mobile').click();
  await check(mobile, '04-approvals-email-mobile');
  await mobile.getByTestId('notifications').locator('summary').click();
  await check(mobile, '05-notifications');
  await mobile.goto(run2);
  await check(mobile, '06-run-waiting');
  const graphFits = await mobile.getByTestId('dag').evaluate((d) => d.scrollWidth <= d.clientWidth + 1);
  assert.ok(graphFits, 'at 390 px the run graph reflows (nothing clipped sideways)');
  await mobile.getByRole('button', { name: 'Approve all 3' }).click();
  await mobile.locator('[data-testid="run-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 2 * WAIT });
  await check(mobile, '07-run-succeeded');
  // audiences: two contacts imported, so its table has rows to show as cards
  await mobile.goto(`${base}/w/spring/audiences`);
  await mobile.locator('#csv').fill('email,first_name,lists\nada@example.com,Ada,Runners\ngrace@example.com,Grace,Runners\n');
  await mobile.getByRole('button', { name: 'Import', exact: true }).click();
  await mobile.getByTestId('contacts').locator('tbody tr').nth(1).waitFor();
  await check(mobile, '18-audiences');
  await tablesAreCards(mobile, 'audiences', 1);
  // [path, screenshot, tables the page shows at least (0: none, but any it has must fit), docs image, rows as cards]
  for (const [path, name, tables, doc, cards = true] of [
    ['runs', '08-runs', 1, 'runs-390'],
    ['campaigns', '09-campaigns', 0, undefined, false],
    ['calendar', '10-calendar', 1, undefined],
    ['content', '11-content', 0, undefined],
    ['usage', '12-usage', 2, 'usage-390'],
    ['members', '13-members', 1, undefined],
    ['plugins', '14-plugins', 0, undefined],
    ['audit', '15-audit', 1, undefined],
    ['notifications', '17-notifications-page', 0, undefined],
  ] as const) {
    await mobile.goto(`${base}/w/spring/${path}`);
    if (path === 'usage') {
      await mobile.locator('[data-chart-ready="true"]').first().waitFor();
      const charts = await mobile
        .locator('[data-testid^="chart-"] canvas')
        .evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().right));
      assert.ok(
        charts.length >= 2 && charts.every((r) => r <= 390),
        `at 390 px the usage charts reflow to the screen (${charts.join(', ')})`,
      );
    }
    // the docs image shows the page's first table (as cards), not only the form above it
    if (doc) await mobile.locator('main table').first().scrollIntoViewIfNeeded();
    await check(mobile, name, doc);
    await tablesAreCards(mobile, path, tables, cards);
  }
  await mobile.goto(`${base}/`);
  await check(mobile, '16-workspaces');

  // 1440 px views of the same pages, for the docs and for axe in the dark theme
  const deskAgain = await logIn(desk, 'mara@example.com');
  current = deskAgain;
  await deskAgain.goto(run2);
  await check(deskAgain, '08-run-succeeded');
  for (const [path, name, doc] of [
    ['runs', '09-runs', undefined],
    ['audit', '10-audit', undefined],
    ['members', '11-members', undefined],
    ['notifications', '12-notifications-page', undefined],
    ['campaigns', '13-campaigns', 'campaigns'],
    ['usage', '14-usage', 'usage'],
    ['audiences', '15-audiences', undefined],
  ] as const) {
    await deskAgain.goto(`${base}/w/spring/${path}`);
    if (path === 'usage') await deskAgain.locator('[data-chart-ready="true"]').first().waitFor();
    await check(deskAgain, name, doc);
  }

  assert.deepEqual(problems, [], `problems:\n${problems.join('\n')}`);
  log(`PASS: the marketer journey at 1440 and 390 px; screenshots in ${shots}`);
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
      ).slice(0, 800),
    );
  }
  if (problems.length) console.error(problems.join('\n'));
} finally {
  await booted.close();
}
process.exit(failed ? 1 : 0);
