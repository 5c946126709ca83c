import type { PluginManifest } from '@neonhub/schemas';
import { CHANNEL_TOOLS } from '../connections/channels.js';

/**
 * True when `target` (plugin-id:tool) is a dependency's tool or matches one of the manifest's `calls` patterns; or,
 * for an agent, when it is a connector's channel tool (`send`, `post`, ... for a channel the connector declares):
 * what `ctx.channels` routes a send to, whichever connector the workspace connected (governance and the outbox apply).
 */
export function mayCall(manifest: PluginManifest, target: string, targetManifest?: PluginManifest): boolean {
  const [plugin = '', name = ''] = target.split(':');
  if (plugin === manifest.id || plugin in manifest.dependencies) return true;
  if (manifest.calls.some((p) => p === '*' || p === `${plugin}:*` || p === `${plugin}:${name}`)) return true;
  const connector = targetManifest?.id === plugin ? targetManifest.connector : undefined;
  return manifest.kind === 'agent' && connector !== undefined && connector.channels.some((c) => CHANNEL_TOOLS[c] === name);
}

/** Calls that go through the outbox: a connector's tools that reach outside (send, post). */
export const isOutboxed = (manifest: PluginManifest | undefined, sideEffect: string) =>
  sideEffect === 'external' && manifest?.kind === 'connector';
