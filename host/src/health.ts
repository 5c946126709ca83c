import type { PluginProblem } from './plugin-loading.js';
import type { PluginStartup } from './plugin-startup.js';
import type { ToolRegistry } from './registry.js';

export interface HealthInputs {
  registry: ToolRegistry;
  problems: readonly PluginProblem[];
  plugins: Pick<PluginStartup, 'states'>;
  /** Host-level notices an admin must act on (quarantined tools, ...), each with its reason. */
  notices?: readonly { code: string; plugin?: string; message: string; since?: string }[];
  version: string;
  database: string;
}

export interface HealthReport {
  /** `degraded` while any plugin is failed, retrying, degraded or has a quarantined tool, or a notice stands. */
  status: 'ok' | 'degraded';
  version: string;
  database: string;
  /** Every plugin with its status: a runtime status once loaded, else waiting / starting / retrying / failed. */
  plugins: { id: string; status: string }[];
  /** Plugins still starting, waiting for a dependency or retrying their start: they join when ready. */
  starting: string[];
  /** Why the status is degraded, one line each. */
  reasons: string[];
  problems: { plugin: string; code: string; message: string }[];
  notices: { code: string; plugin?: string; message: string; since?: string }[];
}

/** The host's health, for /health and the console's banner: no workspace data. */
export function healthReport(h: HealthInputs): HealthReport {
  const runtimeStatus = new Map(h.registry.plugins().map((p) => [p.manifest.id, p.runtime.status as string]));
  const plugins = new Map<string, string>();
  for (const s of h.plugins.states()) plugins.set(s.id, s.status === 'ready' ? (runtimeStatus.get(s.id) ?? 'ready') : s.status);
  for (const [id, status] of runtimeStatus) if (!plugins.has(id)) plugins.set(id, status);
  const list = [...plugins].map(([id, status]) => ({ id, status })).sort((a, b) => a.id.localeCompare(b.id));

  const reasons: string[] = [];
  for (const p of h.problems) reasons.push(`plugin ${p.id ?? p.dir} did not load: ${p.error.code} ${p.error.message}`);
  for (const s of h.plugins.states())
    if (s.status === 'retrying') reasons.push(`plugin ${s.id} is retrying its start (attempt ${s.attempts} failed; next at ${s.retryAt})`);
  for (const { id, status } of list)
    if (status === 'degraded') reasons.push(`plugin ${id} is degraded: it keeps crashing and restarts with backoff`);
  const noticed = new Set((h.notices ?? []).map((n) => n.plugin));
  for (const t of h.registry.all())
    if (t.quarantined && !noticed.has(t.pluginId)) reasons.push(`tool ${t.qualifiedName} is quarantined: ${t.quarantined.reason}`);
  for (const n of h.notices ?? []) reasons.push(`${n.code}: ${n.message}`);

  return {
    status: reasons.length ? 'degraded' : 'ok',
    version: h.version,
    database: h.database,
    plugins: list,
    starting: list.filter((p) => p.status === 'waiting' || p.status === 'starting' || p.status === 'retrying').map((p) => p.id),
    reasons,
    problems: h.problems.map((p) => ({ plugin: p.id ?? p.dir, code: p.error.code, message: p.error.message })),
    notices: [...(h.notices ?? [])].map(({ code, plugin, message, since }) => ({
      code,
      message,
      ...(plugin ? { plugin } : {}),
      ...(since ? { since } : {}),
    })),
  };
}
