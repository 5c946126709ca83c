/**
 * `tsx scripts/sync-manifest.ts <pluginDir> [--check]`: regenerates the `tools` array of
 * <pluginDir>/plugin.json from the plugin's zod schemas (what `neonhub plugin sync` does).
 * With --check it writes nothing and exits 1 when plugin.json is out of date.
 */
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadPluginDefinition, manifestToolsFromPlugin, readManifestJson, syncManifestFile } from '../core/sdk/src/host.js';
import { isNeonHubError } from '../core/sdk/src/index.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: tsx scripts/sync-manifest.ts <pluginDir> [--check]');
  process.exit(2);
}
try {
  const pluginDir = resolve(dir);
  const def = await loadPluginDefinition(pluginDir);
  if (check) {
    const { path, json } = await readManifestJson(pluginDir);
    const ok = isDeepStrictEqual(json.tools, manifestToolsFromPlugin(def));
    console.log(ok ? `${path}: tools up to date` : `${path}: tools out of date; run without --check to regenerate`);
    process.exit(ok ? 0 : 1);
  }
  const r = await syncManifestFile(pluginDir, def);
  console.log(`${r.path}: ${r.changed ? 'tools rewritten' : 'already up to date'} (${r.tools.length} tools)`);
} catch (e) {
  console.error(isNeonHubError(e) ? `${e.code}: ${e.message}` : e);
  process.exit(1);
}
