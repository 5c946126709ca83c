import type { ToolRegistry } from '../registry.js';
import type { ProviderContext, ResourceProvider } from './providers.js';

export const aboutUri = (slug: string) => `neonhub://workspace/${slug}/about`;

function aboutText(registry: ToolRegistry, ctx: ProviderContext): string {
  const lines = [
    `# Workspace ${ctx.workspace.slug}`,
    '',
    `Connected as ${ctx.principal.name ?? ctx.principal.id} (role ${ctx.principal.role}).`,
    '',
  ];
  lines.push('## Enabled plugins', '');
  const enabled = [...ctx.enabledPlugins].sort();
  if (enabled.length === 0) lines.push('None yet: an admin enables plugins with `neonhub plugin enable <id> --workspace <slug>`.');
  for (const id of enabled) {
    const m = registry.plugin(id)?.manifest;
    lines.push(m ? `- **${m.id}** ${m.version} (${m.kind}): ${m.description}` : `- **${id}** (not loaded on this host)`);
  }
  lines.push('', '## Tools', '', 'MCP name | side effect | description', '--- | --- | ---');
  for (const [name, tool] of ctx.tools) {
    lines.push(`${name} | ${tool.definition.sideEffect} | ${tool.definition.description.split('\n')[0]?.replaceAll('|', '\\|') ?? ''}`);
  }
  lines.push('', 'Tools are named `<plugin-id>__<tool_name>` (NeonHub calls them `<plugin-id>:<tool_name>`).');
  if (ctx.principal.role === 'viewer')
    lines.push('This token is a viewer: only tools whose side effect is `none` or `read` can be called.');
  return `${lines.join('\n')}\n`;
}

/** The built-in `neonhub://workspace/<slug>/about` resource: the workspace, its enabled plugins and tools. */
export function aboutResourceProvider(registry: ToolRegistry): ResourceProvider {
  return {
    id: 'neonhub:about',
    list: (ctx) => [
      {
        uri: aboutUri(ctx.workspace.slug),
        name: 'about',
        title: `About workspace ${ctx.workspace.slug}`,
        description: 'The workspace, its enabled plugins and the tools they offer here.',
        mimeType: 'text/markdown',
      },
    ],
    read: (uri, ctx) =>
      uri === aboutUri(ctx.workspace.slug) ? [{ uri, mimeType: 'text/markdown', text: aboutText(registry, ctx) }] : undefined,
  };
}
