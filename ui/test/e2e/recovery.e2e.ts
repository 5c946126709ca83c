/**
 * Account recovery in a real browser (issue 11, item 6): a real host with the console, PGlite in a temp
 * dir, the sandbox e-mail connector in the host's own `neonhub-accounts` workspace (the default), Debian's chromium through playwright-core.
 * "Forgot your password?" -> /forgot -> the link is read from the sandbox outbox -> /reset sets a new
 * password (the old session ends) -> log in with it; the same link again is refused; /verify confirms
 * the e-mail with a button. Screenshots in ui/test-results/.
 * Run: pnpm --filter @neonhub/ui build && npx tsx ui/test/e2e/recovery.e2e.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../host/src/config.js';
import { createHost } from '../../../host/src/host.js';
import { buildApp } from '../../../host/src/server/app.js';
import { launchChromium } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const shots = join(uiDir, 'test-results');
mkdirSync(shots, { recursive: true });
const log = (msg: string) => console.log(`[recovery] ${msg}`);
assert.ok(existsSync(join(uiDir, 'build', 'handler.js')), 'run pnpm --filter @neonhub/ui build first');

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-recovery-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
delete process.env.NEONHUB_API_URL;
const host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['connector-email-sandbox'], seed: false });
const app = await buildApp(host, { accounts: { github: null } });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const base = `http://localhost:${port}`;

/** The newest link of `kind` mailed to `to`, as a person would copy it from the message. */
async function linkFor(to: string, kind: 'reset' | 'verify') {
  await app.accountLinks.settled();
  const r = await host.callTool({
    workspace: 'neonhub-accounts',
    tool: 'connector-email-sandbox:outbox',
    input: { to },
    actor: { type: 'system', id: 'e2e' },
  });
  assert.equal(r.status, 'ok');
  const texts = (r.output as { messages: { text: string }[] }).messages.map((m) => m.text).reverse();
  const link = texts.map((t) => new RegExp(`(http://[^\\s]+/${kind}\\?token=nhl_[a-z2-7]+)`).exec(t)?.[1]).find(Boolean);
  assert.ok(link, `a ${kind} link was mailed to ${to}`);
  // Links point at the server's own address (no NEONHUB_PUBLIC_URL here); the browser uses localhost for the Secure cookie.
  assert.ok(link.startsWith(`http://127.0.0.1:${port}/`), link);
  return link.replace(`http://127.0.0.1:${port}`, base);
}

const browser = await launchChromium();
let failed = false;
try {
  const email = 'rhea@example.com';
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);

  await page.goto(`${base}/signup`);
  await page.getByLabel('Name').fill('Rhea');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill('correct horse battery');
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign up' }).click()]);
  log('signed up');

  // The verification mail of the sign-up: confirming is a button, the page load alone spends nothing.
  await page.goto(await linkFor(email, 'verify'));
  await page.screenshot({ path: join(shots, 'recovery-01-verify.png') });
  await page.getByRole('button', { name: 'Confirm my e-mail' }).click();
  await page.getByText(`${email} is confirmed`).waitFor();
  log('e-mail confirmed');

  // A second browser (someone who forgot the password) asks for a reset.
  const other = await browser.newContext();
  const forgot = await other.newPage();
  forgot.setDefaultTimeout(15_000);
  await forgot.goto(`${base}/login`);
  await Promise.all([forgot.waitForURL(`${base}/forgot`), forgot.getByRole('link', { name: 'Forgot your password?' }).click()]);
  await forgot.getByLabel('E-mail').fill(email);
  await forgot.getByRole('button', { name: 'Send the link' }).click();
  await forgot.getByText('a link to choose a new password is on its way').waitFor();
  await forgot.screenshot({ path: join(shots, 'recovery-02-forgot-sent.png') });
  const resetLink = await linkFor(email, 'reset');
  log('reset link read from the sandbox outbox');

  await forgot.goto(resetLink);
  await forgot.getByLabel('New password', { exact: true }).fill('a brand new password');
  await forgot.getByLabel('The same again').fill('a brand new password');
  await Promise.all([forgot.waitForURL(`${base}/login?reset=done`), forgot.getByRole('button', { name: 'Set the password' }).click()]);
  await forgot.getByText('Your password is changed').waitFor();
  await forgot.screenshot({ path: join(shots, 'recovery-03-reset-done.png') });

  // The first browser's session ended with the reset.
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=/, 'the old session was ended by the reset');

  await forgot.getByLabel('E-mail').fill(email);
  await forgot.getByLabel('Password').fill('a brand new password');
  await Promise.all([forgot.waitForURL(`${base}/`), forgot.getByRole('button', { name: 'Log in' }).click()]);
  log('logged in with the new password');

  // The same link again: refused with its code, and the page offers a new one.
  await forgot.goto(resetLink);
  await forgot.getByLabel('New password', { exact: true }).fill('third password here');
  await forgot.getByLabel('The same again').fill('third password here');
  await forgot.getByRole('button', { name: 'Set the password' }).click();
  await forgot.getByText('NH_AUTH_LINK_USED').waitFor();
  await forgot.getByRole('link', { name: 'Ask for a new one' }).waitFor();
  await forgot.screenshot({ path: join(shots, 'recovery-04-link-used.png') });
  log('a used link is refused (NH_AUTH_LINK_USED)');
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await browser.close();
  await app.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
