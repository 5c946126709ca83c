/**
 * The marketer's pages end to end in Chromium, at 1440 px and at 390 px: a real host (PGlite in a temp dir,
 * the governance, content, social, e-mail, memory and sandbox connector plugins) and the built console.
 * brand kit: save, reload, the next draft uses it · content studio: new draft, edit with a live preview,
 * quality findings inline, side-by-side diff · policies: approval toggles, the next social post is held ·
 * calendar: create, drag and keyboard reschedule, statuses, month and week views.
 * Every page state is checked with axe-core (0 serious/critical) and, at 390 px, for horizontal overflow.
 * Screenshots go to ui/test-results/marketer-*.png; the 1440 px ones docs/console.md shows are copied to
 * docs/images/console/ (viewport-sized, not full pages, to keep them small).
 * Run: pnpm --filter @neonhub/ui build && tsx test/e2e/marketer.e2e.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { auditPage, bootConsoleHost, signUp } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const shots = join(uiDir, 'test-results');
const docShots = join(repoRoot, 'docs', 'images', 'console');
mkdirSync(shots, { recursive: true });
mkdirSync(docShots, { recursive: true });
const started = Date.now();
const log = (msg: string) => console.log(`[marketer +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const booted = await bootConsoleHost({
  name: 'marketer',
  plugins: ['governance', 'agent-content', 'agent-email', 'agent-social', 'connector-email-sandbox', 'connector-social-sandbox', 'memory'],
});
const { base, browser, dataDir } = booted;
log(`host listening at ${base}`);
const problems: string[] = [];

/** A viewport-sized screenshot for docs/console.md, shrunk with pngquant when it is installed (apt-get install pngquant). */
async function docShot(page: Page, name: string, locator?: ReturnType<Page['locator']>) {
  const path = join(docShots, `${name}.png`);
  await (locator ? locator.screenshot({ path }) : page.screenshot({ path }));
  try {
    execFileSync('pngquant', ['--quality=60-85', '--speed', '3', '--force', '--skip-if-larger', '--output', path, path]);
  } catch {
    // no pngquant (or it could not do better): the plain PNG stays
  }
}

/** axe (serious/critical), horizontal overflow at phone width, and a screenshot, for one page state. */
async function check(page: Page, name: string, opts: { doc?: string } = {}) {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `marketer-${name}.png`), fullPage: true });
  if (opts.doc) await docShot(page, opts.doc);
  const audit = await auditPage(page, `${name}@${width}`);
  problems.push(...audit.problems);
  log(audit.summary);
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (day: string, n: number) => ymd(new Date(new Date(`${day}T00:00:00Z`).getTime() + n * 86_400_000));

let failed = false;
let current: Page | undefined;
let phone: BrowserContext | undefined;
try {
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await desk.newPage();
  current = page;
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });

  // Sign up, a workspace, the plugins a marketer's pages use
  await signUp(page, base, { name: 'Mara Marketer', email: 'mara@example.com' });
  await page.getByLabel('Name', { exact: true }).fill('Trail Co');
  await page.getByLabel(/^Slug/).fill('trail');
  await Promise.all([page.waitForURL(`${base}/w/trail/plugins`), page.getByRole('button', { name: 'Create workspace' }).click()]);
  assert.deepEqual(
    errors.filter((e) => /pattern/i.test(e)),
    [],
    'the slug field raises no console error (its pattern is valid under the v flag)',
  );
  for (const plugin of [
    'Governance',
    'Content agent',
    'E-mail agent',
    'Social agent',
    'E-mail connector (sandbox)',
    'Social connector (sandbox)',
    'Memory',
  ]) {
    await page.getByRole('button', { name: `Enable ${plugin}`, exact: true }).click();
    await page.getByRole('button', { name: `Disable ${plugin}`, exact: true }).waitFor({ timeout: 90_000 });
  }
  log('workspace with governance, content, social, e-mail, memory and the sandbox connectors');

  // Brand kit: save, reload, still there
  await page.goto(`${base}/w/trail/brand`);
  await check(page, 'brand-empty');
  await page.getByLabel(/^How your brand sounds/).fill('warm, plain-spoken, no jargon');
  await page.getByLabel(/^Never say/).fill('world-class\nact now');
  await page.getByLabel('Disclosure 1').fill('Unsubscribe');
  await page.getByLabel('Required in').first().selectOption('email');
  await page.getByLabel(/^What is true about your products/).fill('Trail Runner 2 weighs 240 g.\nFree returns within 30 days.');
  await Promise.all([page.waitForURL(/\/brand\?saved=1/), page.getByRole('button', { name: 'Save the brand kit' }).click()]);
  await page.reload();
  assert.equal(await page.getByLabel(/^How your brand sounds/).inputValue(), 'warm, plain-spoken, no jargon');
  assert.equal(await page.getByLabel(/^Never say/).inputValue(), 'world-class\nact now');
  assert.equal(await page.getByLabel('Disclosure 1').inputValue(), 'Unsubscribe');
  assert.equal(await page.getByLabel('Required in').first().inputValue(), 'email');
  assert.match(await page.getByLabel(/^What is true about your products/).inputValue(), /240 g/);
  await check(page, 'brand-saved', { doc: 'brand-kit' });
  log('brand kit saved and read back after a reload (voice, banned phrases, a disclosure, product facts in memory)');

  // Content studio: the next draft uses the brand kit; edit with a preview; findings inline; side-by-side diff
  await page.goto(`${base}/w/trail/content`);
  await page.getByLabel('What', { exact: true }).selectOption('blog');
  await page.getByLabel('About').fill('our Trail Runner 2 shoes');
  await Promise.all([page.waitForURL(/\/content\/drf_/), page.getByRole('button', { name: 'Write a draft' }).click()]);
  const v1 = (await page.getByTestId('draft-text').textContent()) ?? '';
  assert.match(v1, /Tone: warm, plain-spoken, no jargon/, 'the new draft is written in the saved brand voice');
  assert.match(v1, /240 g/, 'the new draft is given the product facts from memory');
  assert.ok((await page.getByTestId('findings').locator('li[data-code="offline_template"]').count()) === 1, 'the quality finding shows');
  await check(page, 'studio-v1');
  const edited = `# Trail Runner 2\n\nOur **world-class** trail shoe weighs 240 g.\n\n- Free returns within 30 days\n- Grippy on wet rock\n`;
  await page.getByTestId('editor').fill(edited);
  await page.locator('[data-testid="preview"][data-ready="true"] h1', { hasText: 'Trail Runner 2' }).waitFor();
  assert.equal(await page.getByTestId('preview').locator('strong').textContent(), 'world-class', 'the preview renders Markdown');
  await page.locator('#edit-note').fill('tightened by Mara');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await page.getByText(/Saved version 2/).waitFor();
  assert.equal(
    await page.getByTestId('draft-text').locator('mark').first().textContent(),
    'world-class',
    'the banned phrase is marked in the text',
  );
  assert.ok((await page.getByTestId('findings').locator('li[data-code="banned_phrase"]').count()) === 1, 'the banned phrase is a finding');
  const diff = page.getByTestId('diff');
  assert.ok((await diff.locator('tbody tr').count()) > 2, 'the diff has rows');
  assert.ok(
    (await diff.locator('tr.add, tr.change').count()) > 0 &&
      (await diff.locator('ins').count()) + (await diff.locator('tr.add').count()) > 0,
  );
  const rowHeights = await diff.locator('tr.same td.new').evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().height));
  const lineHeight = await diff.evaluate((t) => Number.parseFloat(getComputedStyle(t).fontSize) * 1.45);
  assert.ok(
    rowHeights.every((h) => h < lineHeight * 2 + 6),
    `one-line rows are single-spaced (${rowHeights.join(', ')} px)`,
  );
  const radios = await page.locator('input[type="radio"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.ok(
    radios.every((w) => w < 40),
    `no radio button stretches (${radios.join(', ')})`,
  );
  await check(page, 'studio-v2', { doc: 'content-studio' });
  await docShot(page, 'content-diff', page.locator('section', { has: diff }));
  await docShot(page, 'content-editor', page.locator('section', { has: page.getByTestId('editor') }));
  log('content studio: draft in the brand voice with product facts, edited with a preview, banned phrase marked, side-by-side diff');

  // Images: a real PNG is attached and shown; a text file named .png is refused with a code; the preview places the image
  const png = join(dataDir, 'shoe.png');
  writeFileSync(
    png,
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  );
  const fake = join(dataDir, 'notes.png');
  writeFileSync(fake, 'this is not an image');
  await page.locator('#file').setInputFiles(fake);
  await page.getByRole('button', { name: 'Attach' }).click();
  await page.getByTestId('media').getByRole('alert').filter({ hasText: 'NH_CONTENT_MEDIA_TYPE_UNSUPPORTED' }).waitFor();
  await page.locator('#file').setInputFiles(png);
  await page.getByLabel(/^Description/).fill('The Trail Runner 2 from the side');
  await page.getByRole('button', { name: 'Attach' }).click();
  await page.getByText('Image attached.').waitFor();
  const img = page.getByTestId('media').getByRole('img', { name: 'The Trail Runner 2 from the side' });
  await img.waitFor();
  assert.ok(
    // the element may be in the page before its bytes arrived: wait for it to load (or fail) before judging
    await img.evaluate((i: HTMLImageElement) =>
      i.complete && i.naturalWidth > 0
        ? i.naturalWidth === 1
        : new Promise<boolean>((resolve) => {
            i.addEventListener('load', () => resolve(i.naturalWidth === 1), { once: true });
            i.addEventListener('error', () => resolve(false), { once: true });
          }),
    ),
    'the attached image is served back to the page',
  );
  const line = (await page.getByTestId('media').locator('code').first().textContent()) ?? '';
  await page.getByTestId('editor').fill(`${edited}\n${line}\n`);
  await page.locator('[data-testid="preview"] img').waitFor();
  assert.ok(
    await page.locator('[data-testid="preview"] img').evaluate(
      (i: HTMLImageElement) =>
        new Promise((ok) => {
          if (i.complete) ok(i.naturalWidth === 1);
          else i.addEventListener('load', () => ok(i.naturalWidth === 1));
        }),
    ),
    'the preview shows the image placed in the text',
  );
  await check(page, 'studio-images');
  log('content studio: an image attached (a fake one refused with NH_CONTENT_MEDIA_TYPE_UNSUPPORTED) and placed in the text');

  // Policies: social posts need approval, other outside calls not
  await page.goto(`${base}/w/trail/policies`);
  await check(page, 'policies-default');
  assert.equal(await page.getByTestId('hold-social').isChecked(), true, 'by default every outside call is held');
  await page.getByTestId('hold-external').uncheck();
  await page.getByTestId('hold-email').uncheck();
  await page.getByLabel('At most (messages)').first().fill('3');
  await Promise.all([page.waitForURL(/\/policies\?saved=/), page.getByRole('button', { name: 'Save policies' }).click()]);
  await page.reload();
  assert.deepEqual(
    [
      await page.getByTestId('hold-social').isChecked(),
      await page.getByTestId('hold-email').isChecked(),
      await page.getByTestId('hold-external').isChecked(),
    ],
    [true, false, false],
  );
  assert.equal(await page.getByLabel('At most (messages)').first().inputValue(), '3');
  await check(page, 'policies-saved', { doc: 'policies' });
  log('policies: social posts held, e-mails and other outside calls not; an e-mail frequency cap');

  // Calendar: create, drag, keyboard move, a held post
  const nextMonday = plusDays(ymd(new Date()), 7 - ((new Date().getUTCDay() + 6) % 7));
  const [tue, wed, thu] = [plusDays(nextMonday, 1), plusDays(nextMonday, 2), plusDays(nextMonday, 3)];
  await page.goto(`${base}/w/trail/calendar?view=week&week=${nextMonday}`);
  await page
    .getByRole('link', {
      name: `+ Add a post on ${new Date(`${tue}T00:00:00Z`).toLocaleDateString('en', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' })}`,
    })
    .click();
  assert.equal(await page.getByLabel('Date').inputValue(), tue, 'the new post starts on the day clicked');
  await page.getByLabel('Network').selectOption('linkedin');
  await page.getByLabel(/^Post/).fill('Meet the Trail Runner 2: 240 g, free returns for 30 days.');
  await page.getByLabel('Time (UTC)').fill('10:00');
  await check(page, 'calendar-new-post');
  await Promise.all([page.waitForURL(/created=/), page.getByRole('button', { name: 'Add to calendar' }).click()]);
  const tueCell = page.locator(`[data-day="${tue}"]`);
  const scheduled = tueCell.getByTestId('cal-item');
  assert.equal(await scheduled.getAttribute('data-status'), 'scheduled');
  assert.match((await scheduled.textContent()) ?? '', /10:00[\s\S]*LinkedIn[\s\S]*Scheduled/);
  // drag it to Wednesday
  await scheduled.dragTo(page.locator(`[data-day="${wed}"]`));
  await page.waitForURL(/moved=/);
  await page.locator(`[data-day="${wed}"] [data-testid="cal-item"]`).waitFor();
  assert.equal(await tueCell.getByTestId('cal-item').count(), 0, 'dragged off Tuesday');
  assert.match((await page.locator(`[data-day="${wed}"] [data-testid="cal-item"]`).textContent()) ?? '', /10:00/, 'the time is kept');
  log(`calendar: post created on ${tue}, dragged to ${wed}`);
  // keyboard: focus the post, open it, move it one day later with the keyboard only
  await page.locator(`[data-day="${wed}"] [data-testid="cal-item"]`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('editor').waitFor();
  await check(page, 'calendar-editor');
  await page.getByRole('button', { name: 'One day later →' }).focus();
  await page.keyboard.press('Enter');
  await page.locator(`[data-day="${thu}"] [data-testid="cal-item"]`).waitFor();
  assert.equal(await page.locator(`[data-day="${wed}"] [data-testid="cal-item"]`).count(), 0);
  log(`calendar: moved to ${thu} with the keyboard`);
  // click to edit the text
  await page.locator(`[data-day="${thu}"] [data-testid="cal-item"]`).click();
  await page.getByLabel('Text').fill('Meet the Trail Runner 2: 240 g, free returns for 30 days. Out Thursday!');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/moved=/);
  assert.match((await page.locator(`[data-day="${thu}"] [data-testid="cal-item"]`).textContent()) ?? '', /Out Thursday/);
  // publish now: the policy holds social posts
  await page.goto(`${base}/w/trail/calendar?view=month&new=${ymd(new Date())}`);
  await page.getByLabel('Network').selectOption('x');
  await page.getByLabel(/^Post/).fill('Trail Runner 2 is here. 240 g of grip.');
  await page.getByLabel('Publish now').check();
  await Promise.all([page.waitForURL(/held=/), page.getByRole('button', { name: 'Add to calendar' }).click()]);
  await page.getByTestId('held-notice').waitFor();
  const held = page.locator('table [data-testid="cal-item"][data-channel="x"]');
  assert.equal(await held.getAttribute('data-status'), 'pending_approval', 'the post waits for approval on the calendar');
  assert.match((await held.textContent()) ?? '', /Waiting for approval/);
  await check(page, 'calendar-month', { doc: 'calendar-month' });
  await page.goto(`${base}/w/trail/calendar?view=week&week=${nextMonday}`);
  await check(page, 'calendar-week', { doc: 'calendar-week' });
  await page.locator(`[data-day="${thu}"] [data-testid="cal-item"]`).click();
  await page.getByRole('button', { name: 'Cancel this post' }).click();
  await page.getByText('Cancelled: the post will not go out.').waitFor();
  assert.equal(await page.locator(`[data-day="${thu}"] [data-testid="cal-item"]`).count(), 0, 'a cancelled post leaves the calendar');
  log('calendar: a post published now is held by the policy and shown as waiting for approval');

  // The same pages at 390 px
  phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', storageState: await desk.storageState() });
  const p = await phone.newPage();
  current = p;
  p.setDefaultTimeout(20_000);
  await page.goto(`${base}/w/trail/content`);
  const draftUrl = await page.getByTestId('drafts').getByRole('link').first().getAttribute('href');
  for (const [path, name] of [
    ['/w/trail/calendar?view=month', 'phone-calendar-month'],
    [`/w/trail/calendar?view=week&week=${nextMonday}`, 'phone-calendar-week'],
    [`/w/trail/calendar?view=week&week=${nextMonday}&new=${tue}`, 'phone-calendar-new'],
    ['/w/trail/content', 'phone-content'],
    [draftUrl ?? '/w/trail/content', 'phone-studio'],
    ['/w/trail/brand', 'phone-brand'],
    ['/w/trail/policies', 'phone-policies'],
  ] as const) {
    await p.goto(`${base}${path}`);
    await check(p, name);
  }
  await p.goto(`${base}/w/trail/calendar?view=month`);
  assert.ok(await p.locator('.agenda [data-testid="cal-item"]').first().isVisible(), 'at 390 px the month is also listed as an agenda');

  assert.deepEqual(problems, [], `problems:\n${problems.join('\n')}`);
  log(`PASS; screenshots in ${shots}, docs images in ${docShots}`);
} catch (err) {
  failed = true;
  console.error(err);
  if (problems.length) console.error(problems.join('\n'));
  if (current) await current.screenshot({ path: join(shots, 'marketer-failure.png'), fullPage: true }).catch(() => {});
} finally {
  await phone?.close();
  await booted.close();
}
process.exit(failed ? 1 : 0);
