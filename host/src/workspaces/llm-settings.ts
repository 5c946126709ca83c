import { type DB, type Kysely, type Repositories, secretsRepository } from '@neonhub/db';
import { createLlm, type LlmConfigInput, LlmConfigSchema, type LlmProvider, resolveModelId } from '@neonhub/llm';
import type { LlmAccess } from '@neonhub/sdk';
import { hostErrors } from '../errors.js';
import type { SecretBox } from '../secrets/index.js';
import type { WorkspaceOutbound } from './outbound.js';

/** Where a workspace's API key is kept: the secrets table under a plugin id no plugin can have. */
const KEY = { pluginId: '@llm', name: 'API_KEY' } as const;
/** Providers billed to a key: a workspace must bring its own, never the host's environment key. */
const KEYED: ReadonlySet<LlmProvider> = new Set(['openai', 'anthropic']);
/** Where a provider goes without a baseURL, when that is not a public API (checked like a given baseURL). */
const LOCAL_DEFAULT_URL: Partial<Record<LlmProvider, string>> = { ollama: 'http://127.0.0.1:11434/api' };

/** What the API and the CLI show: the settings in effect, never the key. */
export interface WorkspaceLlmView {
  /** `workspace`: set for this workspace; `host`: the host's default (NEONHUB_LLM_*). */
  source: 'workspace' | 'host';
  provider: LlmProvider;
  model: string;
  baseURL?: string;
  api?: 'chat' | 'responses';
  temperature?: number;
  maxOutputTokens?: number;
  hasApiKey: boolean;
}

type Stored = Omit<LlmConfigInput, 'apiKey'>;

const invalid = (message: string, details?: unknown) =>
  hostErrors.create('NH_WORKSPACE_LLM_INVALID', message, details === undefined ? {} : { details });

/**
 * The language model of each workspace: its own provider, model and key when an admin set them, the host's
 * default otherwise. `access(workspaceId)` is what tools get as `ctx.llm`; it resolves the settings on each
 * call (cached for `cacheMs`, dropped at once when they change here), so a change takes effect without a
 * restart, in workers within `cacheMs`. A workspace's own model is reached only through the outbound guard; the
 * host's default (NEONHUB_LLM_*, the operator's own setting) is not.
 */
export function createWorkspaceLlm(deps: {
  db: Kysely<DB>;
  secrets: SecretBox;
  secretsRepo: Repositories['secrets'];
  idOf(slugOrId: string): Promise<string>;
  hostDefault: LlmConfigInput;
  /** The outbound guard: a workspace's model is reached only through it (checked when saved, and on every call). */
  outbound: Pick<WorkspaceOutbound, 'check' | 'fetchFor'>;
  cacheMs?: number;
}) {
  const hostLlm = createLlm(deps.hostDefault);
  const cacheMs = deps.cacheMs ?? 10_000;
  const cache = new Map<string, { at: number; llm: Promise<{ llm: LlmAccess; provider: LlmProvider }> }>();

  async function stored(workspaceId: string): Promise<Stored | null> {
    const row = await deps.db.selectFrom('workspaces').select('llm').where('id', '=', workspaceId).executeTakeFirst();
    return (row?.llm as Stored | null | undefined) ?? null;
  }

  const sealedKey = (workspaceId: string) => deps.secretsRepo.get(workspaceId, KEY.pluginId, KEY.name);

  async function apiKey(workspaceId: string): Promise<string | undefined> {
    const sealed = await sealedKey(workspaceId);
    return sealed && deps.secrets.open({ workspaceId, ...KEY }, sealed);
  }

  async function resolve(workspaceId: string): Promise<{ llm: LlmAccess; provider: LlmProvider }> {
    const hit = cache.get(workspaceId);
    if (hit && Date.now() - hit.at < cacheMs) return hit.llm;
    const llm = (async () => {
      const settings = await stored(workspaceId);
      if (!settings) return { llm: hostLlm, provider: LlmConfigSchema.parse(deps.hostDefault).provider };
      const key = await apiKey(workspaceId);
      const config = LlmConfigSchema.parse({ ...settings, ...(key ? { apiKey: key } : {}) });
      return { llm: createLlm(config, { fetch: deps.outbound.fetchFor(workspaceId) }), provider: config.provider };
    })();
    cache.set(workspaceId, { at: Date.now(), llm });
    llm.catch(() => cache.delete(workspaceId));
    return llm;
  }

  function view(settings: Stored | null, hasApiKey: boolean): WorkspaceLlmView {
    const c = LlmConfigSchema.parse(settings ?? { ...deps.hostDefault, apiKey: undefined });
    return {
      source: settings ? 'workspace' : 'host',
      provider: c.provider,
      model: resolveModelId(c),
      ...(c.baseURL ? { baseURL: c.baseURL } : {}),
      ...(c.api ? { api: c.api } : {}),
      ...(c.temperature !== undefined ? { temperature: c.temperature } : {}),
      ...(c.maxOutputTokens !== undefined ? { maxOutputTokens: c.maxOutputTokens } : {}),
      hasApiKey: settings ? hasApiKey : Boolean(deps.hostDefault.apiKey),
    };
  }

  return {
    async get(ws: string): Promise<WorkspaceLlmView> {
      const workspaceId = await deps.idOf(ws);
      const settings = await stored(workspaceId);
      return view(settings, Boolean(settings && (await sealedKey(workspaceId))));
    },

    /**
     * Sets the workspace's model. `apiKey` replaces the stored key; without one the stored key is kept while the
     * provider stays the same (and deleted when it changes).
     * openai and anthropic need a key of the workspace's own. NH_WORKSPACE_LLM_INVALID, nothing stored, otherwise.
     */
    async set(ws: string, input: unknown): Promise<WorkspaceLlmView> {
      const workspaceId = await deps.idOf(ws);
      // The provider is required here (the schema's default, offline, is for configs, not for a request).
      const given = input as { provider?: unknown } | null;
      if (typeof given !== 'object' || given === null || Array.isArray(given) || given.provider === undefined)
        throw invalid('give the model settings as an object with a provider (offline, openai, anthropic, ollama or openai-compatible)');
      const parsed = LlmConfigSchema.safeParse(input);
      if (!parsed.success)
        throw invalid(
          `invalid model settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'} ${i.message}`).join('; ')}`,
          {
            issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        );
      const { apiKey: newKey, ...settings } = parsed.data;
      // A model at a loopback, private or metadata address is refused now (NH_OUTBOUND_BLOCKED, 400), and again on each call.
      const target = settings.baseURL ?? LOCAL_DEFAULT_URL[settings.provider];
      if (target) await deps.outbound.check(workspaceId, target);
      // A stored key belongs to the provider it was given for: kept only while the provider stays the same.
      const previous = await stored(workspaceId);
      const keepKey = !newKey && previous?.provider === settings.provider;
      const hasKey = Boolean(newKey) || (keepKey && Boolean(await sealedKey(workspaceId)));
      if (KEYED.has(settings.provider) && !hasKey)
        throw invalid(`the ${settings.provider} provider needs an apiKey for this workspace (the host's own key is never lent)`, {
          provider: settings.provider,
        });
      await deps.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('workspaces')
          .set({ llm: JSON.stringify(settings) })
          .where('id', '=', workspaceId)
          .execute();
        const secrets = secretsRepository(trx);
        if (newKey) await secrets.put(workspaceId, KEY.pluginId, KEY.name, deps.secrets.seal({ workspaceId, ...KEY }, newKey));
        else if (!keepKey) await secrets.delete(workspaceId, KEY.pluginId, KEY.name);
      });
      cache.delete(workspaceId);
      return view(settings, hasKey);
    },

    /** Back to the host's default; the stored key is deleted. */
    async clear(ws: string): Promise<WorkspaceLlmView> {
      const workspaceId = await deps.idOf(ws);
      await deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('workspaces').set({ llm: null }).where('id', '=', workspaceId).execute();
        await secretsRepository(trx).delete(workspaceId, KEY.pluginId, KEY.name);
      });
      cache.delete(workspaceId);
      return view(null, false);
    },

    /** The provider in effect for a workspace (the runs use the LLM planner only with a real one). */
    async provider(workspaceId: string): Promise<LlmProvider> {
      return (await resolve(workspaceId)).provider;
    },

    /** The workspace's model as tools get it (`ctx.llm`): resolved on each call. */
    access(workspaceId: string): LlmAccess {
      return { generate: async (input) => (await resolve(workspaceId)).llm.generate(input) };
    },
  };
}

export type WorkspaceLlm = ReturnType<typeof createWorkspaceLlm>;
