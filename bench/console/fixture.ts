/**
 * The console benchmark's world, shared by `run.ts` (LCP percentiles) and `trace.ts` (where one load's time goes):
 * a real host (PGlite in a temp dir) serving the built console, a user owning two workspaces made through the API —
 * "empty" (one run waiting for approval) and "full" (`runs` runs of the spring-sale shape, 8 steps each, the last
 * `waiting` of them waiting for approval, and `drafts` drafts in agent-content's store, two versions each) — and a
 * signed-in Chromium context. `BENCH_CONSOLE_BEFORE=<another console build dir>` serves that build too (a second app
 * on the same host and data) for side-by-side runs.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Kysely } from '../../core/db/src/index.js';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { buildApp } from '../../host/src/server/app.js';
import { launchChromium } from '../../ui/test/e2e/browser.js';

export type Browser = Awaited<ReturnType<typeof launchChromium>>;
export type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
export type Page = Awaited<ReturnType<BrowserContext['newPage']>>;
/** The run and plugin-store tables, untyped (the seed writes rows as the orchestrator and the stores do). */
type Rows = Kysely<Record<string, Record<string, unknown>>>;

const repoRoot = resolve(import.meta.dirname, '../..');
const PASSWORD = 'correct horse battery';
const PLUGINS = [
  'governance',
  'agent-content',
  'agent-email',
  'agent-social',
  'agent-campaign',
  'connector-email-sandbox',
  'connector-social-sandbox',
];

/** The three measured pages of a workspace, by name. */
export type Pages = Record<'home' | 'run' | 'approvals', string>;

export interface ConsoleBench {
  /** The pages of the empty and the full workspace, and of the full one through the previous build when given. */
  pages: { empty: Pages; full: Pages; before?: Pages };
  browser: Browser;
  /** Signed in through the log-in page (the session cookie is __Host-, Secure, HttpOnly), 1440 × 900. */
  context: BrowserContext;
  close(): Promise<void>;
}

/** Boots the host, seeds both workspaces and signs a browser in. Exits with 2 when the console is not built. */
export async function startConsoleBench(opts: { runs: number; drafts: number; log: (m: string) => void }): Promise<ConsoleBench> {
  if (!existsSync(join(repoRoot, 'ui', 'build', 'handler.js'))) {
    console.error('build the console first: pnpm --filter @neonhub/ui build');
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-bench-console-'));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
  delete process.env.NEONHUB_API_URL;
  const host = await createHost({ config, logger: pino({ level: 'silent' }), only: PLUGINS, seed: false });
  const app = await buildApp(host, { accounts: { github: null } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://localhost:${(app.server.address() as { port: number }).port}`;
  const beforeDir = process.env.BENCH_CONSOLE_BEFORE;
  const beforeApp = beforeDir ? await buildApp(host, { accounts: { github: null }, consoleBuildDir: resolve(beforeDir) }) : null;
  if (beforeApp) await beforeApp.listen({ host: '127.0.0.1', port: 0 });
  // the session cookie is per host name, not per port: the same log-in serves both builds
  const beforeBase = beforeApp ? `http://localhost:${(beforeApp.server.address() as { port: number }).port}` : null;

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
  const signed = (await api('/api/auth/signup', { email: 'bench@example.com', password: PASSWORD, name: 'Bench' })) as {
    user: { id: string };
    session: { token: string };
  };
  const token = signed.session.token;
  for (const slug of ['empty', 'full']) await api('/api/workspaces', { slug, name: slug }, token);
  for (const slug of ['empty', 'full']) for (const p of PLUGINS) await host.storage.service.enablePlugin(slug, p);
  const full = await host.storage.service.resolveWorkspace('full');
  const empty = await host.storage.service.resolveWorkspace('empty');
  const db = host.storage.db as unknown as Rows;
  const actor = JSON.stringify({ type: 'user', id: signed.user.id });

  const runIds = await seedRuns(db, actor, full.id, opts.runs, Math.min(10, opts.runs));
  const emptyRuns = await seedRuns(db, actor, empty.id, 1, 1); // one waiting run: the empty side's run and approvals pages show one
  await seedDrafts(db, full.id, opts.drafts);
  opts.log(
    `seeded: ${opts.runs} runs (${Math.min(10, opts.runs)} waiting for approval) and ${opts.drafts} drafts in "full"; 1 waiting run in "empty"`,
  );

  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const login = await context.newPage();
  await login.goto(`${base}/login`);
  await login.getByLabel('E-mail').fill('bench@example.com');
  await login.getByLabel('Password').fill(PASSWORD);
  await Promise.all([login.waitForURL(`${base}/`), login.getByRole('button', { name: 'Log in' }).click()]);
  await login.close();

  const pagesOf = (slug: string, runId: string, origin: string): Pages => ({
    home: `${origin}/w/${slug}`,
    run: `${origin}/w/${slug}/runs/${runId}`,
    approvals: `${origin}/w/${slug}/approvals`,
  });
  const lastRun = runIds[runIds.length - 1]!;
  return {
    pages: {
      empty: pagesOf('empty', emptyRuns[0]!, base),
      full: pagesOf('full', lastRun, base),
      ...(beforeBase ? { before: pagesOf('full', lastRun, beforeBase) } : {}),
    },
    browser,
    context,
    async close() {
      await browser.close();
      await beforeApp?.close();
      await app.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `n` runs of the spring-sale shape (8 steps), the last `waiting` held for approval, written straight to the run tables in batches. */
async function seedRuns(db: Rows, actor: string, workspaceId: string, n: number, waiting: number) {
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

/** `n` drafts with two versions each in agent-content's store (the shape its tools write). */
async function seedDrafts(db: Rows, workspaceId: string, n: number) {
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
