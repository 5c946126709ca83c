import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { PluginDefinition } from '../types.js';
import { createJsonLogger } from './context.js';
import { type ServedPlugin, servePlugin } from './server.js';

/**
 * Serves a plugin over stdio: usable as a plugin's `bin` (`serveStdio(plugin)`) and as the
 * entry of the host's isolated runtime. Exits when stdin closes (the host went away).
 */
export async function serveStdio(def: PluginDefinition, opts: { version?: string; hosts?: readonly string[] } = {}): Promise<ServedPlugin> {
  const log = createJsonLogger({ plugin: def.id });
  const served = await servePlugin(def, { ...opts, transport: new StdioServerTransport() });
  const bye = () => {
    void served.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', bye);
  process.stdin.once('close', bye);
  log.debug({ pid: process.pid, tools: def.tools.length }, 'serving over stdio');
  return served;
}
