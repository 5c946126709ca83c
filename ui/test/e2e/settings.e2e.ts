/**
 * The results settings page and the approvals a marketer reads, in Chromium at 1440 px and 390 px, against a real host
 * (PGlite in a temp dir; governance, the SEO and e-mail agents, the sandbox e-mail connector) and the built console:
 * - results settings: an owner finds it from Analytics, turns learning off and on, picks how often (in words) and
 *   the metric, sees when it runs next; what is saved is what the host answers; a bad interval is refused in words;
 *   a viewer reads the same settings with no form to press;
 * - approvals: a held send of a draft shows its original links (not the /r/ redirect) with a note that they are
 *   tracked when sent; a run's step whose approval expired shows "Expired" with no button, and is not counted in
 *   "N waiting" nor in the badge.
 * Every page state is checked with axe-core (0 serious/critical) and for horizontal overflow; screenshots go to
 * ui/test-results/settings-*.png. Run: pnpm --filter @neonhub/ui build && tsx test/e2e/settings.e2e.ts
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
const log = (msg: string) => console.log(`[settings +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const WAIT = 30_000;

const booted = await bootConsoleHost({
  name: 'settings',
  plugins: ['governance', 'agent-seo', 'agent-email', 'connector-email-sandbox'],
  // the recovery sweep (which fails a step whose approval expired) does not come by while this test runs: the page
  // reads the expired step it arranged, every time
  recoverEveryMs: 3_600_000,
});
const { base, browser, host } = booted;
const db = host.storage.db;
log(`host listening at ${base}`);
const problems: string[] = [];

async function check(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `settings-${name}-${width}.png`), fullPage: true });
  const audit = await auditPage(page, `${width}/${name}`);
  problems.push(...audit.problems);
  log(audit.summary);
}

/** Both widths of one page state: the page as it is, then at 390 px, then back. */
async function checkBoth(page: Page, name: string) {
  await check(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await check(page, name);
  await page.setViewportSize({ width: 1440, height: 900 });
}

const settingsOf = async (p: Page) => {
  const r = await p.request.get(`${base}/api/workspaces/shop/results/settings`);
  assert.equal(r.status(), 200);
  return (await r.json()) as {
    learningEnabled: boolean;
    learningEveryMinutes: number;
    learningMetric: string;
    nextLearningAt: string | null;
  };
};

let failed = false;
try {
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await desk.newPage();
  page.setDefaultTimeout(WAIT);
  await signUp(page, base, { name: 'Olga Owner', email: 'olga@example.com' });
  await page.getByLabel('Name', { exact: true }).fill('Shop');
  await page.getByLabel(/^Slug/).fill('shop');
  await Promise.all([page.waitForURL(`${base}/w/shop/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  for (const p of ['governance', 'agent-seo', 'agent-email', 'connector-email-sandbox']) await host.storage.service.enablePlugin('shop', p);

  // ---- Results settings: found from Analytics
  await page.goto(`${base}/w/shop/analytics`);
  const line = page.getByTestId('learning-line');
  assert.match(await line.innerText(), /Learning from results: on, every hour, from clicks/);
  await Promise.all([page.waitForURL(`${base}/w/shop/analytics/settings`), line.getByRole('link', { name: 'Results settings' }).click()]);
  const learning = page.locator('section', { has: page.getByRole('heading', { name: 'Learning from results' }) });
  const summary = page.getByTestId('learning-summary');
  assert.match(await summary.innerText(), /On: it learns every hour, from clicks\. Next: .+\((in \d+ (min|h)|any moment now)\)/);
  await checkBoth(page, 'results-admin');

  // every day, from conversions: saved, shown, and what the host holds
  await learning.getByLabel('How often').selectOption({ label: 'Every day' });
  await page.getByRole('radio', { name: /Conversions/ }).check();
  await learning.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('learning-saved').waitFor();
  await page.getByText('On: it learns every day, from conversions.').waitFor();
  let saved = await settingsOf(page);
  assert.deepEqual([saved.learningEnabled, saved.learningEveryMinutes, saved.learningMetric], [true, 1440, 'converted']);
  assert.ok(saved.nextLearningAt, 'the next pass is scheduled');
  assert.ok(Date.parse(saved.nextLearningAt) <= Date.now() + 1440 * 60_000 + 5_000, 'the next pass is at most a day away');
  log(`saved: every day from conversions; next pass ${saved.nextLearningAt}`);

  // off: the host cancels the schedule, the page says so and keeps the interval and metric
  await page.getByLabel('Learn from results').uncheck();
  await learning.getByRole('button', { name: 'Save' }).click();
  await page.getByText(/^Off: drafts and budgets keep what they learned so far/).waitFor();
  saved = await settingsOf(page);
  assert.deepEqual(
    [saved.learningEnabled, saved.learningEveryMinutes, saved.learningMetric, saved.nextLearningAt],
    [false, 1440, 'converted', null],
  );
  assert.equal(await learning.getByLabel('How often').inputValue(), '1440', 'off keeps the interval');
  await checkBoth(page, 'results-off');

  // a bad interval (a tampered form) is refused in words, and nothing changes
  await page.getByLabel('Learn from results').check();
  await learning.getByLabel('How often').evaluate((s: HTMLSelectElement) => {
    s.options[0]!.value = '5';
    s.selectedIndex = 0;
  });
  await learning.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'Pick how often it learns: between every 15 minutes and once a week.' }).waitFor();
  assert.equal((await settingsOf(page)).learningEnabled, false, 'a refused form changes nothing');
  // what was chosen stays (learning on, though the saved setting is off), the error beside the field it is about
  assert.equal(await page.getByLabel('Learn from results').isChecked(), true, 'a refused form keeps what was chosen');
  const every = learning.getByLabel('How often');
  assert.equal(await every.getAttribute('aria-invalid'), 'true');
  assert.match((await every.getAttribute('aria-describedby')) ?? '', /\blearning-every-error\b/);
  assert.match(await learning.locator('#learning-every-error').innerText(), /^Pick how often it learns/);
  await checkBoth(page, 'results-refused');
  await page.reload();
  await page.getByLabel('Learn from results').check();
  await learning.getByRole('button', { name: 'Save' }).click();
  await page.getByText('On: it learns every day, from conversions.').waitFor();
  assert.equal((await settingsOf(page)).learningEnabled, true);
  log('learning turned off and on again; a bad interval refused in words');

  // the social post figures: every 6 hours, 30 days back; then days out of range refused in words
  const metrics = page.locator('section', { has: page.getByRole('heading', { name: 'Social post figures' }) });
  await metrics.getByLabel('How often').selectOption({ label: 'Every 6 hours' });
  await metrics.getByLabel('Days after a post is published').fill('30');
  await metrics.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('metrics-saved').waitFor();
  await page.getByText('On: the networks are asked every 6 hours, for posts of the last 30 days.').waitFor();
  const pulled = (await (await page.request.get(`${base}/api/workspaces/shop/results/settings`)).json()) as Record<string, unknown>;
  assert.deepEqual([pulled.metricsEnabled, pulled.metricsEveryMinutes, pulled.metricsDays], [true, 360, 30]);
  assert.equal((await settingsOf(page)).learningMetric, 'converted', 'saving the figures keeps the learning settings');
  await page.getByLabel("Pull the networks' figures").uncheck();
  await metrics.getByLabel('Days after a post is published').evaluate((i: HTMLInputElement) => {
    i.removeAttribute('max');
    i.value = '365';
  });
  await metrics.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'Say for how many days after a post its figures are pulled: 1 to 90.' }).waitFor();
  // kept as sent: pulling off, 365 days, the error beside the days
  assert.equal(await page.getByLabel("Pull the networks' figures").isChecked(), false, 'a refused form keeps the switch as set');
  const daysField = metrics.getByLabel('Days after a post is published');
  assert.equal(await daysField.inputValue(), '365');
  assert.equal(await daysField.getAttribute('aria-invalid'), 'true');
  assert.match((await daysField.getAttribute('aria-describedby')) ?? '', /\bmetrics-days-error\b/);
  assert.equal(
    ((await (await page.request.get(`${base}/api/workspaces/shop/results/settings`)).json()) as Record<string, unknown>).metricsDays,
    30,
  );
  await checkBoth(page, 'results-metrics');
  // without JavaScript the page the refusal renders keeps what was sent as well (the action returns it)
  const plain = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  await plain.addCookies(await desk.cookies());
  const plainPage = await plain.newPage();
  plainPage.setDefaultTimeout(WAIT);
  await plainPage.goto(`${base}/w/shop/analytics/settings`);
  const plainMetrics = plainPage.locator('section', { has: plainPage.getByRole('heading', { name: 'Social post figures' }) });
  await plainMetrics.getByLabel('How often').selectOption({ label: 'Every 12 hours' });
  await plainMetrics.getByLabel('Days after a post is published').evaluate((i: HTMLInputElement) => {
    i.removeAttribute('max');
    i.value = '120';
  });
  await Promise.all([plainPage.waitForLoadState('load'), plainMetrics.getByRole('button', { name: 'Save' }).click()]);
  await plainPage.locator('#metrics-days-error').waitFor();
  assert.equal(await plainMetrics.getByLabel('Days after a post is published').inputValue(), '120', 'no JavaScript: the days typed stay');
  assert.equal(await plainMetrics.getByLabel('How often').inputValue(), '720', 'no JavaScript: the interval picked stays');
  assert.equal(await plainPage.getByTestId('metrics-saved').count(), 0);
  await plainPage.screenshot({ path: join(shots, 'settings-results-refused-nojs-390.png'), fullPage: true });
  // the policies form too: refused without JavaScript, it shows what was typed and switched, the error by its field
  await plainPage.goto(`${base}/w/shop/policies`);
  const external = plainPage.getByTestId('hold-external');
  const externalBefore = await external.isChecked();
  await (externalBefore ? external.uncheck() : external.check());
  await plainPage.getByLabel('At most (messages)').first().fill('3');
  await plainPage.locator('#ttlHours').evaluate((i: HTMLInputElement) => {
    i.removeAttribute('max');
    i.value = '5000';
  });
  await Promise.all([plainPage.waitForLoadState('load'), plainPage.getByRole('button', { name: 'Save policies' }).click()]);
  await plainPage.locator('#ttlHours-error').waitFor();
  assert.match((await plainPage.locator('#ttlHours-error').textContent()) ?? '', /Approvals expire after 1 to 2,160 hours/);
  assert.equal(await plainPage.locator('#ttlHours').inputValue(), '5000', 'no JavaScript: the hours typed stay');
  assert.equal(await plainPage.locator('#ttlHours').getAttribute('aria-invalid'), 'true');
  assert.equal(await plainPage.getByLabel('At most (messages)').first().inputValue(), '3', 'no JavaScript: the cap typed stays');
  assert.equal(await plainPage.getByTestId('hold-external').isChecked(), !externalBefore, 'no JavaScript: the switch stays as set');
  await plainPage.screenshot({ path: join(shots, 'settings-policies-refused-nojs-390.png'), fullPage: true });
  await plain.close();
  await page.reload();
  log('social post figures: every 6 hours, 30 days back; 365 days refused in words');

  // a viewer reads the same, with no form that would be refused
  await page.goto(`${base}/w/shop/members`);
  await page.locator('#inv-email').fill('vic@example.com');
  await page.locator('#inv-role').selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText(/vic@example\.com invited/).waitFor();
  const viewerContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const viewer = await viewerContext.newPage();
  viewer.setDefaultTimeout(WAIT);
  await signUp(viewer, base, { name: 'Vic Viewer', email: 'vic@example.com' });
  await viewer.goto(`${base}/w/shop/analytics/settings`);
  assert.match(await viewer.getByTestId('learning-summary').innerText(), /On: it learns every day, from conversions\./);
  await viewer.getByTestId('settings-readonly').waitFor();
  assert.match(
    await viewer.getByTestId('metrics-summary').innerText(),
    /On: the networks are asked every 6 hours, for posts of the last 30 days\./,
  );
  assert.equal(await viewer.locator('main form').count(), 0, 'a viewer is offered no form');
  assert.equal(await viewer.getByRole('button', { name: 'Save' }).count(), 0);
  const refused = await viewer.request.put(`${base}/api/workspaces/shop/results/settings`, {
    data: { learningEnabled: false },
    headers: { origin: base },
  });
  assert.equal(refused.status(), 403, 'the host refuses a viewer anyway');
  await checkBoth(viewer, 'results-viewer');
  await viewerContext.close();
  log('a viewer reads the settings, with nothing to press');

  // ---- Approvals: a held send of a draft shows its original links
  const system = { type: 'system', id: 'e2e' } as const;
  const policy = await host.callTool({
    workspace: 'shop',
    tool: 'governance:set_policy',
    input: { policy: { requireApproval: { sideEffects: [], tools: ['connector-email-sandbox:send'] } }, note: 'e2e' },
    actor: system,
  });
  assert.equal(policy.status, 'ok');
  const composed = await host.callTool({
    workspace: 'shop',
    tool: 'agent-email:compose',
    input: {
      subject: 'Spring sale',
      body: 'Hi there,\n\nNew trail shoes: https://shop.example.com/spring\n\nSee you',
      contentId: 'drf_e2e_links',
    },
    actor: system,
  });
  assert.equal(composed.status, 'ok', JSON.stringify(composed));
  const templateId = (composed as { output: { templateId: string } }).output.templateId;
  // sent as the owner through the API (as the console's Call tool does): the connector's send is held by the policy
  const sent = await page.request.post(`${base}/api/workspaces/shop/tools/agent-email:send/call`, {
    headers: { origin: base },
    data: { input: { templateId, recipients: [{ email: 'ana@example.com' }] } },
  });
  assert.ok(sent.ok(), `${sent.status()} ${await sent.text()}`);
  await page.goto(`${base}/w/shop/approvals`);
  const held = page.locator('[data-pending]').filter({ hasText: 'Send' }).first();
  await held.getByTestId('links-tracked').waitFor();
  assert.match(await held.getByTestId('links-tracked').innerText(), /The link is shown as written\. It is sent as a tracked link/);
  const shown = `${await held.innerText()}\n${await held.locator('iframe').evaluateAll((fs) => fs.map((f) => (f as HTMLIFrameElement).srcdoc || '').join('\n'))}`;
  assert.ok(shown.includes('https://shop.example.com/spring'), 'the approver reads the link as written');
  assert.ok(!/\/r\/[A-Za-z0-9_-]{12}/.test(shown), 'no tracked /r/ address is shown');
  const input = JSON.stringify(
    (await db.selectFrom('held_calls').select('input').where('tool', '=', 'connector-email-sandbox:send').executeTakeFirstOrThrow()).input,
  );
  assert.match(input, /\/r\/[A-Za-z0-9_-]{12}/, 'what is held (and will be sent) carries the tracked link');
  await checkBoth(page, 'approvals-links');
  log('a held send of a draft shows its original link, with the note that it is tracked when sent');

  // ---- Approvals: a run's step whose approval expired shows "Expired", no button, and is not counted
  // the policy holds the SEO checks too: a run's two steps wait for approval, each with governance's expiry
  const hold = await host.callTool({
    workspace: 'shop',
    tool: 'governance:set_policy',
    input: {
      policy: { requireApproval: { sideEffects: [], tools: ['connector-email-sandbox:send', 'agent-seo:analyze_page'] } },
      note: 'e2e',
    },
    actor: system,
  });
  assert.equal(hold.status, 'ok');
  const start = await page.request.post(`${base}/api/workspaces/shop/runs`, {
    headers: { origin: base },
    data: {
      goal: 'Check two pages',
      plan: {
        steps: [
          { id: 'first', tool: 'agent-seo:analyze_page', title: 'Check the spring page', input: { text: 'Spring sale on trail shoes.' } },
          { id: 'second', tool: 'agent-seo:analyze_page', title: 'Check the summer page', input: { text: 'Summer sale on sandals.' } },
        ],
      },
    },
  });
  assert.ok(start.ok(), `run started: ${start.status()} ${await start.text()}`);
  const runId = ((await start.json()) as { run: { id: string } }).run.id;
  const deadline = Date.now() + WAIT;
  while (
    (await db.selectFrom('steps').select('id').where('run_id', '=', runId).where('status', '=', 'waiting_approval').execute()).length < 2
  ) {
    if (Date.now() > deadline) {
      const steps = await db.selectFrom('steps').select(['id', 'status', 'error']).where('run_id', '=', runId).execute();
      assert.fail(`both steps wait for approval: ${JSON.stringify(steps)}`);
    }
    await page.waitForTimeout(100);
  }
  // the first step's approval expired a minute ago; the second has a day left
  await db
    .updateTable('steps')
    .set({ approval_expires_at: new Date(Date.now() - 60_000) })
    .where('run_id', '=', runId)
    .where('id', '=', 'first')
    .execute();
  await db
    .updateTable('steps')
    .set({ approval_expires_at: new Date(Date.now() + 86_400_000) })
    .where('run_id', '=', runId)
    .where('id', '=', 'second')
    .execute();
  await page.goto(`${base}/w/shop/approvals`);
  const expired = page.locator('[data-pending]').filter({ hasText: 'Check the spring page' });
  await expired.getByTestId('approval-expired').waitFor();
  assert.match(await expired.getByTestId('approval-expired').innerText(), /^Expired .*: it can no longer be approved\./);
  assert.equal(await expired.getByRole('button').count(), 0, 'an expired approval offers no button');
  const live = page.locator('[data-pending]').filter({ hasText: 'Check the summer page' });
  assert.equal(await live.getByRole('button', { name: /^Approve:/ }).count(), 1, 'the live one can be approved');
  // counted: the held send and the live step (2), not the expired one
  assert.match(await page.locator('#approvals-status').innerText(), /^2 waiting\.\s*1 expired\./);
  const badge = page.getByRole('navigation', { name: 'Workspace', exact: true }).getByRole('link', { name: /Approvals/ });
  assert.match(await badge.innerText(), /2/, 'the badge counts the two live approvals');
  assert.doesNotMatch(await badge.innerText(), /3/, 'the badge does not count the expired one');
  await checkBoth(page, 'approvals-expired');
  log('an expired approval shows "Expired" with no button and is counted neither in "N waiting" nor in the badge');

  if (problems.length) {
    for (const p of problems) console.error(`  ${p}`);
    throw new Error(`${problems.length} accessibility or layout problem(s)`);
  }
  log('passed');
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await booted.close();
}
process.exit(failed ? 1 : 0);
