import { resolve } from 'node:path';
import { type PluginLimits, PluginLimitsSchema } from '@neonhub/schemas';
// the allow-list parser alone: @neonhub/sdk/outbound loads undici, which a CLI command that forwards to a host never needs
import { parseAllowList } from '@neonhub/sdk/outbound/allow-list';
import { z } from 'zod';
import { hostErrors } from './errors.js';

/** Environment variables the host reads (documented in docs/configuration.md). */
export const HostEnvSchema = z.object({
  NEONHUB_DATA_DIR: z.string().min(1).default('.neonhub'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4400),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** `on`: the embedded database (PGlite) runs on a worker thread of its own, off the event loop (docs/configuration.md). */
  NEONHUB_PGLITE_THREAD: z.enum(['on', 'off']).default('off'),
  NEONHUB_SECRET_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEONHUB_TOOL_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  /** Largest result a plugin may send back from one call (bytes; default 4 MiB). */
  NEONHUB_RESULT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  /** How long one plugin start may take (ms; default 15 s); each retry doubles it, up to 8 times. */
  NEONHUB_PLUGIN_START_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Per-plugin overrides as JSON: {"<plugin-id>": {"startTimeoutMs": 60000, "resultMaxBytes": 16777216}}. */
  NEONHUB_PLUGIN_LIMITS: z
    .string()
    .transform((text, ctx) => {
      try {
        return z.record(z.string(), PluginLimitsSchema).parse(JSON.parse(text));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `must be JSON like {"memory":{"startTimeoutMs":60000}}: ${(err as Error).message}` });
        return z.NEVER;
      }
    })
    .optional(),
  /** How often outside MCP servers' tools are listed again and compared with the lock (ms; 0 = only on list_changed). */
  NEONHUB_PLUGIN_RELIST_MS: z.coerce.number().int().min(0).default(300_000),
  /** `local-fakes`: the demo workspace's real connectors talk to the provider fakes of @neonhub/fakes on loopback ports. */
  NEONHUB_CONNECTORS: z.enum(['local-fakes']).optional(),
  /** Non-public targets every workspace's outbound requests may reach (docs/security.md, "Outbound requests"). */
  NEONHUB_OUTBOUND_ALLOW: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseAllowList(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});

export interface HostConfig {
  /** The repository (or install) root: where plugins/, mcp-servers/ and plugins.lock.json live. */
  rootDir: string;
  dataDir: string;
  port: number;
  host: string;
  databaseUrl?: string;
  /** NEONHUB_PGLITE_THREAD=on: PGlite on a worker thread (no effect with DATABASE_URL). */
  pgliteThread: boolean;
  redisUrl?: string;
  secretKey?: string;
  logLevel: z.infer<typeof HostEnvSchema>['LOG_LEVEL'];
  toolTimeoutMs: number;
  /** NEONHUB_RESULT_MAX_BYTES: the default result size limit of every plugin. */
  resultMaxBytes: number;
  /** NEONHUB_PLUGIN_START_TIMEOUT_MS: the default start timeout of every plugin. */
  pluginStartTimeoutMs: number;
  /** NEONHUB_PLUGIN_LIMITS: the admin's per-plugin overrides (over the manifest's `limits`). */
  pluginLimits: Record<string, PluginLimits>;
  /** Period of the outside servers' re-list (NEONHUB_PLUGIN_RELIST_MS; 0 = off). */
  pluginRelistMs?: number;
  /** NEONHUB_OUTBOUND_ALLOW, one entry each: non-public targets every workspace may reach (the operator's choice). */
  outboundAllow: string[];
  /** NEONHUB_OAUTH_<PLUGIN>_CLIENT_ID / _CLIENT_SECRET: each connector's OAuth app, by oauthAppKey(plugin id). */
  oauthApps: Record<string, { clientId: string; clientSecret?: string }>;
  /** NEONHUB_CONNECTORS=local-fakes: the demo mode of docs/connectors.md. */
  connectors?: 'local-fakes';
}

/** The upper-snake key of a plugin id in NEONHUB_OAUTH_<KEY>_CLIENT_ID (connector-linkedin -> CONNECTOR_LINKEDIN). */
export const oauthAppKey = (pluginId: string) => pluginId.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

function oauthAppsFrom(env: NodeJS.ProcessEnv): HostConfig['oauthApps'] {
  const apps: HostConfig['oauthApps'] = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^NEONHUB_OAUTH_([A-Z0-9_]+)_CLIENT_ID$/.exec(name);
    if (!m?.[1] || !value) continue;
    const secret = env[`NEONHUB_OAUTH_${m[1]}_CLIENT_SECRET`];
    apps[m[1]] = { clientId: value, ...(secret ? { clientSecret: secret } : {}) };
  }
  return apps;
}

/** Reads and validates the environment; a bad value is a coded error naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, rootDir = process.cwd()): HostConfig {
  const blankToUndefined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = HostEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message }));
    throw hostErrors.create(
      'NH_CONFIG_ENV_INVALID',
      `invalid environment: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`,
      {
        details: { issues },
      },
    );
  }
  const e = parsed.data;
  return {
    rootDir: resolve(rootDir),
    dataDir: resolve(rootDir, e.NEONHUB_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    pgliteThread: e.NEONHUB_PGLITE_THREAD === 'on',
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.NEONHUB_SECRET_KEY ? { secretKey: e.NEONHUB_SECRET_KEY } : {}),
    logLevel: e.LOG_LEVEL,
    toolTimeoutMs: e.NEONHUB_TOOL_TIMEOUT_MS,
    resultMaxBytes: e.NEONHUB_RESULT_MAX_BYTES,
    pluginStartTimeoutMs: e.NEONHUB_PLUGIN_START_TIMEOUT_MS,
    pluginLimits: e.NEONHUB_PLUGIN_LIMITS ?? {},
    pluginRelistMs: e.NEONHUB_PLUGIN_RELIST_MS,
    outboundAllow: (e.NEONHUB_OUTBOUND_ALLOW ?? '').split(/[\s,]+/).filter(Boolean),
    oauthApps: oauthAppsFrom(env),
    ...(e.NEONHUB_CONNECTORS ? { connectors: e.NEONHUB_CONNECTORS } : {}),
  };
}
