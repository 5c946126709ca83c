import type { PluginManifest, PluginRuntimeKind, ToolDefinition } from '@neonhub/schemas';
import { hostErrors } from './errors.js';
import { mcpOAuthErrors } from './mcp-oauth/errors.js';
import { compileValidator, type Validator } from './pipeline/validate.js';
import type { PluginRuntime } from './runtimes/types.js';

export interface RegisteredTool {
  pluginId: string;
  /** Name inside the plugin. */
  name: string;
  /** `plugin-id:tool_name`. */
  qualifiedName: string;
  definition: ToolDefinition;
  runtime: PluginRuntime;
  validateInput: Validator;
  validateOutput: Validator;
  /** Set when an outside MCP server changed this tool since it was locked. */
  quarantined?: { reason: string };
}

export interface LoadedPlugin {
  manifest: PluginManifest;
  dir: string;
  runtime: PluginRuntime;
  isolation: PluginRuntimeKind;
  /** Shipped in this repository (plugins/, mcp-servers/) rather than installed from npm or a tarball. */
  firstParty: boolean;
}

const decodeWith =
  (decode: NonNullable<PluginRuntime['decodeInput']>, tool: string): Validator =>
  (value) =>
    decode(tool, value);

/** Loaded plugins and their tools by qualified name. Schemas are compiled once, at registration. */
export function createToolRegistry() {
  const plugins = new Map<string, LoadedPlugin>();
  const tools = new Map<string, RegisteredTool>();
  /** Every tool in name order, kept until the registry changes (tools/list asks on every request: no sort per request). */
  let sorted: RegisteredTool[] | undefined;
  const inOrder = () => {
    sorted ??= [...tools.values()].sort((a, b) => a.qualifiedName.localeCompare(b.qualifiedName));
    return sorted;
  };

  return {
    addPlugin(plugin: LoadedPlugin, definitions: ToolDefinition[], quarantine: Record<string, string> = {}) {
      plugins.set(plugin.manifest.id, plugin);
      for (const definition of definitions) {
        const qualifiedName = `${plugin.manifest.id}:${definition.name}`;
        const reason = quarantine[definition.name];
        sorted = undefined;
        tools.set(qualifiedName, {
          pluginId: plugin.manifest.id,
          name: definition.name,
          qualifiedName,
          definition,
          runtime: plugin.runtime,
          // A module plugin's input is checked (and decoded) by its own zod schema, which its JSON Schema was made
          // from: once, here, and the runtime runs the decoded value. Any other runtime's, by the JSON Schema.
          validateInput: plugin.runtime.decodeInput
            ? decodeWith(plugin.runtime.decodeInput, definition.name)
            : compileValidator(definition.inputSchema),
          validateOutput: compileValidator(definition.outputSchema),
          ...(reason ? { quarantined: { reason } } : {}),
        });
      }
    },
    /**
     * Replaces a loaded plugin's tools (an outside server listed them again): new definitions,
     * the given quarantine; tools it no longer lists are gone.
     */
    setPluginTools(pluginId: string, definitions: ToolDefinition[], quarantine: Record<string, string> = {}) {
      const plugin = plugins.get(pluginId);
      if (!plugin) return;
      sorted = undefined;
      for (const [name, tool] of tools) if (tool.pluginId === pluginId) tools.delete(name);
      this.addPlugin(plugin, definitions, quarantine);
    },
    removePlugin(pluginId: string) {
      plugins.delete(pluginId);
      sorted = undefined;
      for (const [name, tool] of tools) if (tool.pluginId === pluginId) tools.delete(name);
    },
    plugin(pluginId: string): LoadedPlugin | undefined {
      return plugins.get(pluginId);
    },
    plugins(): LoadedPlugin[] {
      return [...plugins.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
    },
    /** The tool, or NH_TOOL_NOT_FOUND / NH_TOOL_QUARANTINED. */
    get(qualifiedName: string): RegisteredTool {
      const tool = tools.get(qualifiedName);
      if (!tool) {
        const owner = plugins.get(qualifiedName.slice(0, qualifiedName.indexOf(':')));
        const rt = owner?.manifest.runtime;
        if (rt?.type === 'mcp-http' && rt.oauth && ![...tools.values()].some((t) => t.pluginId === owner?.manifest.id))
          throw mcpOAuthErrors.create(
            'NH_MCP_OAUTH_NOT_CONNECTED',
            `${owner!.manifest.id} is behind OAuth and no workspace has connected its account yet, so its tools are not listed: an admin runs \`neonhub plugin connect ${owner!.manifest.id} -w <workspace>\` or presses "Connect account" on the plugin's page`,
            { details: { tool: qualifiedName, plugin: owner!.manifest.id } },
          );
        throw hostErrors.create('NH_TOOL_NOT_FOUND', `no tool named ${qualifiedName} is loaded (tools are named plugin-id:tool_name)`, {
          details: { tool: qualifiedName },
        });
      }
      if (tool.quarantined) {
        throw hostErrors.create(
          'NH_TOOL_QUARANTINED',
          `${qualifiedName} changed since it was locked: ${tool.quarantined.reason}. Review it and run \`neonhub plugin lock ${tool.pluginId}\``,
          {
            details: { tool: qualifiedName },
          },
        );
      }
      return tool;
    },
    /** Callable tools of the given plugins, in name order (quarantined tools are hidden). */
    toolsOf(pluginIds: Iterable<string>): RegisteredTool[] {
      const ids = new Set(pluginIds);
      return inOrder().filter((t) => ids.has(t.pluginId) && !t.quarantined);
    },
    all(): RegisteredTool[] {
      return [...inOrder()];
    },
  };
}

export type ToolRegistry = ReturnType<typeof createToolRegistry>;
