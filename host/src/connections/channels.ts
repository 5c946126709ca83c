import type { Channel, PluginManifest } from '@neonhub/schemas';
import type { ChannelRoute, ChannelRouter } from '@neonhub/sdk';
import type { ConnectionService } from './service.js';

/** The tool a connector offers for each channel (core/sdk ChannelRoute). */
export const CHANNEL_TOOLS: Record<Channel, string> = {
  email: 'send',
  sms: 'send',
  chat: 'post',
  social: 'post',
  crm: 'upsert_contacts',
  payments: 'create_payment_link',
};

export interface ChannelRouterDeps {
  connections: Pick<ConnectionService, 'usable'>;
  enabledPlugins(workspaceId: string): Promise<string[]>;
  getManifest(pluginId: string): PluginManifest | undefined;
}

/**
 * `ctx.channels` for one workspace: the enabled real connector for the channel (and network) that has a usable
 * connection (an active one before a failing one; the default first) or needs none, else the enabled sandbox
 * connector, else undefined. Real connectors are tried in plugin id order. `connection` (id or label) picks that
 * connection; when it names none of the candidates, nothing is routed (never a silent sandbox).
 */
export function createChannelRouter(deps: ChannelRouterDeps, workspaceId: string): ChannelRouter {
  return {
    async resolve(channel, opts = {}): Promise<ChannelRoute | undefined> {
      const tool = CHANNEL_TOOLS[channel];
      const candidates = (await deps.enabledPlugins(workspaceId))
        .map((id) => deps.getManifest(id))
        .filter(
          (m): m is PluginManifest & { connector: NonNullable<PluginManifest['connector']> } =>
            m?.connector !== undefined &&
            m.connector.channels.includes(channel) &&
            (!opts.network || m.connector.sandbox || m.connector.networks.includes(opts.network)) &&
            m.tools.some((t) => t.name === tool),
        )
        .sort((a, b) => a.id.localeCompare(b.id));
      const real = candidates.filter((m) => !m.connector.sandbox);
      const rows = real.length > 0 ? await deps.connections.usable(workspaceId) : [];
      const route = (m: PluginManifest, connection?: { id: string; label: string }): ChannelRoute => ({
        plugin: m.id,
        tool: `${m.id}:${tool}`,
        sandbox: m.connector?.sandbox === true,
        ...(connection ? { connection: { id: connection.id, label: connection.label } } : {}),
      });
      if (opts.connection) {
        const row = rows.find((r) => (r.id === opts.connection || r.label === opts.connection) && real.some((m) => m.id === r.plugin_id));
        const m = row && real.find((p) => p.id === row.plugin_id);
        return m && row ? route(m, row) : undefined;
      }
      for (const m of real) {
        const mine = rows.filter((r) => r.plugin_id === m.id);
        const row = mine.find((r) => r.status === 'active') ?? mine[0];
        // a connector without auth works unconnected (a connection only receives its webhooks)
        if (row || m.connector.auth.type === 'none') return route(m, row);
      }
      const sandbox = candidates.find((m) => m.connector.sandbox);
      return sandbox ? route(sandbox) : undefined;
    },
  };
}
