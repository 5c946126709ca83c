import { relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { isNeonHubError } from '@neonhub/schemas';
import pc from 'picocolors';
import { pluginRoots } from '../../plugin-loading.js';
import { type McpMountOptions, mountMcpServer, npmView, runnableWithNpx } from '../../plugins/mcp-mount.js';
import { cliConfig } from '../context.js';
import { out } from '../output.js';

export interface MountFlags {
  /** Mount the npm package as an MCP server (stdio, via npx) without asking. */
  mcp?: boolean;
  /** The server's arguments (repeatable `--arg`). */
  arg?: string[];
  id?: string;
  /** More host environment variables to pass to the server (HOME always is). */
  env?: string[];
}

const isNpmSpec = (from: string) => !/\.(tgz|tar\.gz|tar)$/i.test(from) && !from.startsWith('.') && !from.startsWith('/');

/** `splitArgs('a "b c" d')` -> ['a', 'b c', 'd']: the arguments typed at the prompt, quotes respected. */
export function splitArgs(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** `plugin install <npm spec> --mcp [--arg ...]`: the package is mounted as an mcp-stdio plugin; nothing runs. */
export async function mount(from: string, flags: MountFlags, known?: Awaited<ReturnType<typeof npmView>>) {
  const config = cliConfig();
  const info = known ?? (await npmView(from));
  const opts: McpMountOptions = {
    spec: from,
    info,
    dataDir: config.dataDir,
    roots: pluginRoots(config),
    args: flags.arg ?? [],
    ...(flags.id ? { id: flags.id } : {}),
    ...(flags.env?.length ? { env: flags.env } : {}),
  };
  const plugin = await mountMcpServer(opts);
  const rt = plugin.manifest.runtime as { command: string; args: string[]; env: string[] };
  out.ok(
    `mounted ${info.name}@${info.version} as plugin ${plugin.id} (mcp-stdio) in ${relative(config.rootDir, plugin.dir) || plugin.dir}`,
  );
  out.line(
    `nothing of it has run, and it is not pinned in plugins.lock.json: the host refuses it until you review it and lock it.\n` +
      `  it will run: ${[rt.command, ...rt.args].join(' ')} (environment: ${rt.env.join(', ')}, so npx has its cache)\n` +
      `  pin:    neonhub plugin lock ${plugin.id} (starts the server once to list and pin its tools)\n` +
      `  then:   neonhub plugin enable ${plugin.id} --workspace <slug>`,
  );
}

/**
 * When `plugin install <npm spec>` finds no plugin.json but the package is runnable with npx (an MCP server
 * published on npm), offers to mount it as an mcp-stdio plugin: asks on a terminal (and for the server's
 * arguments unless --arg gave them); otherwise says how. True when it was mounted.
 */
export async function offerMount(from: string, flags: MountFlags, err: unknown): Promise<boolean> {
  if (!isNpmSpec(from) || !isNeonHubError(err) || !/no plugin\.json/.test(err.message)) return false;
  const info = await npmView(from).catch(() => undefined);
  if (!info || !runnableWithNpx(info)) return false;
  const how = `neonhub plugin install ${from} --mcp [--arg <server argument>]...`;
  if (!(process.stdin.isTTY && process.stderr.isTTY)) {
    err.message = `${err.message}; ${info.name} is runnable with npx: mount it as an MCP server (stdio) with \`${how}\``;
    return false;
  }
  out.warn(`${info.name}@${info.version} has no plugin.json, but it can run as an MCP server over stdio (npx -y ${info.name}).`);
  const yes = (await ask(`${pc.bold('Mount it as an mcp-stdio plugin?')} [Y/n] `)).trim().toLowerCase();
  if (yes && !['y', 'yes'].includes(yes)) return false;
  const args = flags.arg ?? splitArgs(await ask('Arguments for the server (e.g. the folder server-filesystem may read; empty for none): '));
  await mount(from, { ...flags, arg: args }, info);
  return true;
}
