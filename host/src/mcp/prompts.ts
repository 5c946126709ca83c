import type { GetPromptResult, Prompt } from '@modelcontextprotocol/sdk/types.js';
import type { PluginManifest } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import { assignNames, type McpNaming } from './names.js';
import type { PromptProvider, ProviderContext } from './providers.js';

type PromptDeclaration = PluginManifest['prompts'][number];

/** One prompt of the workspace: from a manifest template or from a provider. */
export interface PromptEntry {
  pluginId: string;
  name: string;
  prompt: Prompt;
  render(args: Record<string, string>): Promise<GetPromptResult | undefined> | GetPromptResult | undefined;
}

/** Replaces `{{arg}}` (spaces allowed inside the braces) with the argument's value; unknown placeholders stay. */
export function renderTemplate(template: string, args: Record<string, string>, declared: readonly string[]): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) =>
    declared.includes(name) ? (args[name] ?? '') : whole,
  );
}

export function manifestPromptEntries(manifest: PluginManifest): PromptEntry[] {
  return manifest.prompts.map((p: PromptDeclaration) => ({
    pluginId: manifest.id,
    name: p.name,
    prompt: {
      name: p.name,
      description: p.description,
      arguments: p.arguments.map((a) => ({ name: a.name, description: a.description, required: a.required })),
    },
    render: (args) => ({
      description: p.description,
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: renderTemplate(
              p.template,
              args,
              p.arguments.map((a) => a.name),
            ),
          },
        },
      ],
    }),
  }));
}

export async function providerPromptEntries(providers: readonly PromptProvider[], ctx: ProviderContext): Promise<PromptEntry[]> {
  const lists = await Promise.all(
    providers.map(async (provider) =>
      (await provider.list(ctx)).map<PromptEntry>((prompt) => ({
        pluginId: provider.pluginId,
        name: prompt.name,
        prompt,
        render: (args) => provider.get(prompt.name, args, ctx),
      })),
    ),
  );
  return lists.flat();
}

/** The workspace's prompts by MCP name. */
export function namePrompts(entries: readonly PromptEntry[], naming: McpNaming): Map<string, PromptEntry> {
  return assignNames(entries, naming);
}

/** Checks required arguments, then renders. Throws NH_MCP_PROMPT_ARGUMENT_MISSING naming each missing one. */
export async function getPrompt(mcpName: string, entry: PromptEntry, args: Record<string, string> = {}): Promise<GetPromptResult> {
  const missing = (entry.prompt.arguments ?? [])
    .filter((a) => a.required && (args[a.name] === undefined || args[a.name] === ''))
    .map((a) => a.name);
  if (missing.length) {
    throw hostErrors.create(
      'NH_MCP_PROMPT_ARGUMENT_MISSING',
      `prompt ${mcpName} needs the argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      {
        details: { prompt: mcpName, missing },
      },
    );
  }
  const result = await entry.render(args);
  if (!result) throw hostErrors.create('NH_MCP_PROMPT_NOT_FOUND', `prompt ${mcpName} is not available`, { details: { prompt: mcpName } });
  return { ...result, messages: result.messages };
}
