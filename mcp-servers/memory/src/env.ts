import { createEmbedderFromEnv } from './embedders/index.js';
import { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './store.js';

export interface MemorySettings {
  /** The one workspace this process serves (standalone use); unset when a host names the workspace of each call. */
  workspace?: string;
  databaseUrl?: string;
  dataDir: string;
}

/** Settings from flags (`--workspace <id>`, `--data-dir <dir>`) and the environment; flags win. */
export function memorySettingsFrom(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): MemorySettings {
  const flag = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === `--${name}`) return argv[i + 1];
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    }
    return undefined;
  };
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const workspace = flag('workspace') || env.NEONHUB_WORKSPACE?.trim() || undefined;
  return {
    ...(workspace ? { workspace } : {}),
    dataDir: flag('data-dir') || env.NEONHUB_MEMORY_DATA_DIR?.trim() || env.NEONHUB_PLUGIN_DATA_DIR?.trim() || './.neonhub/memory',
    ...(databaseUrl ? { databaseUrl } : {}),
  };
}

/** A store configured by the environment: embedder from NEONHUB_EMBEDDER, database from DATABASE_URL or the data folder. */
export async function openMemoryStoreFromEnv(
  settings: MemorySettings,
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<MemoryStoreOptions> = {},
): Promise<MemoryStore> {
  const embedder = await createEmbedderFromEnv(env);
  return createMemoryStore({
    embedder,
    dataDir: settings.dataDir,
    ...(settings.databaseUrl ? { databaseUrl: settings.databaseUrl } : {}),
    ...extra,
  });
}
