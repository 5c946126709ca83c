import { z } from 'zod';
import { PluginIdSchema } from '../common.js';
import { defineRoute } from './route.js';

/** What `POST /api/plugins/reload` changed: plugins loaded, stopped or restarted, and those that could not load. */
export const PluginReloadSchema = z.object({
  added: z.array(PluginIdSchema),
  removed: z.array(PluginIdSchema),
  reloaded: z.array(PluginIdSchema),
  failed: z.array(z.object({ id: PluginIdSchema, code: z.string(), message: z.string() })),
});
export type PluginReload = z.infer<typeof PluginReloadSchema>;

export const pluginReloadRoutes = {
  reloadPlugins: defineRoute({
    method: 'POST',
    path: '/api/plugins/reload',
    access: 'operator',
    tag: 'plugins',
    summary:
      'Load plugins locked since the start, restart those whose lock entry changed, stop those no longer installed or locked (the CLI calls it after `plugin lock` and `plugin uninstall`)',
    response: { 200: PluginReloadSchema },
  }),
};
