/**
 * Installation-level secrets of a plugin (not per workspace), such as the bearer token of an
 * `mcp-http` runtime (`runtime.bearerSecret`): read from the host's environment, one variable per
 * plugin and secret, `NEONHUB_PLUGIN_<PLUGIN_ID>__<SECRET_NAME>` (the id upper-cased, `-` as `_`;
 * ids never hold `_`, so `__` is always the boundary). A plugin can only name its own variables:
 * never `NEONHUB_SECRET_KEY`, `DATABASE_URL` or any other of the host's.
 */
export function installationSecretVariable(pluginId: string, name: string): string {
  return `NEONHUB_PLUGIN_${pluginId.toUpperCase().replaceAll('-', '_')}__${name}`;
}

/** `resolveSecret` for a plugin's runtime: the value of its variable, or undefined when unset or blank. */
export function installationSecrets(pluginId: string, env: NodeJS.ProcessEnv = process.env) {
  return async (name: string): Promise<string | undefined> => env[installationSecretVariable(pluginId, name)]?.trim() || undefined;
}
