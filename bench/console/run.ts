/**
 * Console benchmark: Largest Contentful Paint of the home, run and approvals pages in Chromium, in a workspace
 * holding 1,000 runs (8 steps each; 10 of them waiting for approval) and 10,000 drafts (agent-content's store,
 * two versions each), side by side with an empty workspace on the same host (the baseline). Each page is loaded
 * `rounds` times in a fresh page, interleaved (empty, full, empty, ...) so machine load falls on both alike; p50
 * and p95 of each page are reported with the load average (the machine's load is part of the figure). Goal (issue 16): LCP <= 1.5 s with the data.
 * Needs the built console (pnpm --filter @neonhub/ui build) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 * Usage: tsx bench/console/run.ts [runs=1000] [drafts=10000] [rounds=20]
 * Before/after: BENCH_CONSOLE_BEFORE=<another console build dir> serves that build too (a second app on the same host,
 * same data) and loads the full workspace through it in the same rounds, interleaved, so a change to the console is
 * measured side by side with the build it replaces (e.g. `git stash; pnpm --filter @neonhub/ui build; cp -r ui/build
 * /tmp/ui-before; git stash pop; pnpm --filter @neonhub/ui build`).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Kysely } from '../../core/db/src/index.js';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { buildApp } from '../../host/src/server/app.js';
import { launchChromium } from '../../ui/test/e2e/browser.js';
import { percentile } from '../stats.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;
/** The run and plugin-store tables, untyped (the seed writes rows as the orchestrator and the stores do). */
type Rows = Kysely<Record<string, Record<string, unknown>>>;

const RUNS = Number(process.argv[2] ?? 1000);
const DRAFTS = Number(process.argv[3] ?? 10_000);
const ROUNDS = Number(process.argv[4] ?? 20);
const WAITING = Math.min(10, RUNS);
const GOAL_MS = 1500;
const repoRoot = resolve(import.meta.dirname, '../..');
if (!existsSync(join(repoRoot, 'ui', 'build', 'handler.js'))) {
  console.error('build the console first: pnpm --filter @neonhub/ui build');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-bench-console-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
delete process.env.NEONHUB_API_URL;
const plugins = [
  'governance',
  'agent-content',
  'agent-email',
  'agent-social',
  'agent-campaign',
  'connector-email-sandbox',
  'connector-social-sandbox',
];
const host = await createHost({ config, logger: pino({ level: 'silent' }), only: plugins, seed: false });
const app = await buildApp(host, { accounts: { github: null } });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
const beforeDir = process.env.BENCH_CONSOLE_BEFORE;
const beforeApp = beforeDir ? await buildApp(host, { accounts: { github: null }, consoleBuildDir: resolve(beforeDir) }) : null;
if (beforeApp) await beforeApp.listen({ host: '127.0.0.1', port: 0 });
// the session cookie is per host name, not per port: the same log-in serves both builds
const beforeBase = beforeApp ? `http://localhost:${(beforeApp.server.address() as { port: number }).port}` : null;
const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
const t0 = performance.now();
const log = (m: string) => console.log(`[console bench +${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** A user through the accounts API, owner of two workspaces (empty and full) made through the API. */
async function api(path: string, body: unknown, token?: string) {
  const r = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<Record<string, unknown>>;
}
const signed = (await api('/api/auth/signup', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' })) as {
  user: { id: string };
  session: { token: string };
};
const token = signed.session.token;
for (const slug of ['empty', 'full']) await api('/api/workspaces', { slug, name: slug }, token);
for (const slug of ['empty', 'full']) for (const p of plugins) await host.storage.service.enablePlugin(slug, p);
const full = await host.storage.service.resolveWorkspace('full');
const empty = await host.storage.service.resolveWorkspace('empty');

/** 1,000 runs of the spring-sale shape (8 steps), written straight to the run tables in batches. */
async function seedRuns(workspaceId: string, n: number, waiting: number) {
  const db = host.storage.db as unknown as Rows;
  const actor = JSON.stringify({ type: 'user', id: signed.user.id });
  const ids: string[] = [];
  for (let start = 0; start < n; start += 100) {
    const runs: Record<string, unknown>[] = [];
    const steps: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(n, start + 100); i++) {
      const id = randomUUID();
      ids.push(id);
      const isWaiting = i >= n - waiting;
      const at = new Date(Date.now() - (n - i) * 60_000).toISOString();
      runs.push({
        id,
        workspace_id: workspaceId,
        goal: `launch campaign ${i} on email and social`,
        status: isWaiting ? 'waiting_approval' : 'succeeded',
        planner: 'offline',
        notes: JSON.stringify([]),
        actor,
        error: null,
        created_at: at,
        updated_at: at,
        finished_at: isWaiting ? null : at,
      });
      const plan: [string, string, string[], boolean, unknown][] = [
        ['draft_email', 'agent-content:draft', [], false, { draftId: `d${i}e`, text: `Hi {{first_name | there}}, campaign ${i} is on.` }],
        ['compose_email', 'agent-email:compose', ['draft_email'], false, { templateId: `tpl_${i}` }],
        ['send_email', 'agent-email:send', ['compose_email'], true, { counts: { sent: 2 } }],
        ['draft_social', 'agent-content:draft', [], false, { draftId: `d${i}s`, text: `Campaign ${i} https://shop.example/${i}` }],
        ['compose_social_linkedin', 'agent-social:compose', ['draft_social'], false, { post: `Campaign ${i} on LinkedIn` }],
        ['publish_social_linkedin', 'agent-social:publish', ['compose_social_linkedin'], true, { status: 'published' }],
        ['compose_social_x', 'agent-social:compose', ['draft_social'], false, { post: `Campaign ${i} on X` }],
        ['publish_social_x', 'agent-social:publish', ['compose_social_x'], true, { status: 'published' }],
      ];
      plan.forEach(([sid, tool, deps, approval, output], seq) => {
        const held = isWaiting && approval;
        const input =
          sid === 'send_email'
            ? {
                templateId: '{{steps.compose_email.output.templateId}}',
                recipients: [{ email: 'ada@example.com' }, { email: 'grace@example.com' }],
              }
            : sid.startsWith('publish')
              ? { network: sid.endsWith('_x') ? 'x' : 'linkedin', text: `{{steps.${sid.replace('publish', 'compose')}.output.post}}` }
              : sid === 'compose_email'
                ? { subject: `Campaign ${i}`, body: '{{steps.draft_email.output.text}}' }
                : { kind: sid.includes('email') ? 'email' : 'social', topic: `campaign ${i}` };
        steps.push({
          run_id: id,
          id: sid,
          seq,
          tool,
          title: sid.replace(/_/g, ' '),
          input: JSON.stringify(input),
          depends_on: JSON.stringify(deps),
          needs_approval: approval,
          side_effect: approval ? 'external' : 'write',
          status: held ? 'waiting_approval' : 'succeeded',
          max_attempts: 3,
          output: held ? null : JSON.stringify(output),
          error: null,
          approval_id: held ? `ap_${i}_${sid}` : null,
          approval_source: held ? 'orchestrator' : null,
          approved_by: held || !approval ? null : actor,
          started_at: at,
          finished_at: held ? null : at,
          updated_at: at,
        });
      });
    }
    await db.insertInto('runs').values(runs).execute();
    await db.insertInto('steps').values(steps).execute();
  }
  return ids;
}

/** 10,000 drafts with two versions each in agent-content's store (the shape its tools write). */
async function seedDrafts(workspaceId: string, n: number) {
  const db = host.storage.db as unknown as Rows;
  for (let start = 0; start < n; start += 500) {
    const rows: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(n, start + 500); i++) {
      const draftId = `draft_${i}`;
      const at = new Date(Date.now() - (n - i) * 1000).toISOString();
      const draft = {
        draftId,
        kind: i % 2 ? 'email' : 'social',
        topic: `topic ${i}`,
        keywords: ['spring'],
        length: 'short',
        latestVersion: 2,
        createdAt: at,
        updatedAt: at,
      };
      rows.push({
        workspace_id: workspaceId,
        plugin_id: 'agent-content',
        collection: 'drafts',
        key: draftId,
        value: JSON.stringify(draft),
      });
      for (const v of [1, 2])
        rows.push({
          workspace_id: workspaceId,
          plugin_id: 'agent-content',
          collection: 'versions',
          key: `${draftId}/${String(v).padStart(6, '0')}`,
          value: JSON.stringify({
            version: v,
            text: `Draft ${i} version ${v}`,
            source: v === 1 ? 'model' : 'edit',
            offline: true,
            createdAt: at,
          }),
        });
    }
    await db.insertInto('plugin_records').values(rows).execute();
  }
}

const runIds = await seedRuns(full.id, RUNS, WAITING);
const emptyRuns = await seedRuns(empty.id, 1, 1); // one waiting run, so the empty side's run and approvals pages show one
await seedDrafts(full.id, DRAFTS);
log(`seeded: ${RUNS} runs (${WAITING} waiting for approval) and ${DRAFTS} drafts in "full"; 1 waiting run in "empty"`);

/** A signed-in browser context (logged in through the log-in page: the session cookie is __Host-, Secure, HttpOnly). */
async function signedIn(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail').fill('bench@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Log in' }).click()]);
  await page.close();
  return context;
}

/** LCP of one load of `url` in a new page (the context's HTTP cache is warm, as for a returning user). */
async function lcpOf(context: BrowserContext, url: string): Promise<number> {
  const page: Page = await context.newPage();
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`${url}: ${response?.status()}`);
    return await page.evaluate(
      () =>
        new Promise<number>((done) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            done(entries[entries.length - 1]?.startTime ?? -1);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
          setTimeout(() => done(-1), 5000);
        }),
    );
  } finally {
    await page.close();
  }
}

const browser = await launchChromium();
const context = await signedIn(browser);
const pages = (slug: string, runId: string, origin = base) => ({
  home: `${origin}/w/${slug}`,
  run: `${origin}/w/${slug}/runs/${runId}`,
  approvals: `${origin}/w/${slug}/approvals`,
});
type Side = 'empty' | 'full' | 'before';
const sides: Partial<Record<Side, ReturnType<typeof pages>>> = {
  empty: pages('empty', emptyRuns[0]!),
  full: pages('full', runIds[runIds.length - 1]!),
  ...(beforeBase ? { before: pages('full', runIds[runIds.length - 1]!, beforeBase) } : {}),
};
const order = Object.keys(sides) as Side[];
const results: Record<string, Record<string, number[]>> = { empty: {}, full: {}, before: {} };
let failed = false;
try {
  // one warm-up load of each (server code paths, Chromium's caches)
  for (const side of Object.values(sides)) for (const url of Object.values(side)) await lcpOf(context, url);
  log(`warmed up; ${load()}`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ['home', 'run', 'approvals'] as const) {
      for (const side of order) {
        const ms = await lcpOf(context, sides[side]![name]);
        const list = results[side]![name] ?? [];
        list.push(ms);
        results[side]![name] = list;
      }
    }
  }
  const pc = (xs: number[], p: number) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      p,
    );
  const cell = (xs: number[]) => `${pc(xs, 50).toFixed(0)} / ${pc(xs, 95).toFixed(0)}`.padEnd(16);
  console.log(`\nLCP in ms, ${ROUNDS} loads each (p50 / p95); full = ${RUNS} runs + ${DRAFTS} drafts; ${load()}`);
  console.log(`page       | empty (baseline) |${beforeBase ? ' full, before     |' : ''} full             | goal`);
  for (const name of ['home', 'run', 'approvals'] as const) {
    const f = results.full![name]!;
    const ok = pc(f, 50) > 0 && pc(f, 50) <= GOAL_MS;
    if (!ok) failed = true;
    console.log(
      `${name.padEnd(10)} | ${cell(results.empty![name]!)} |${beforeBase ? ` ${cell(results.before![name]!)}|` : ''} ${cell(f)} | ${ok ? 'ok' : `over ${GOAL_MS}`}`,
    );
  }
} finally {
  await browser.close();
  await beforeApp?.close();
  await app.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
