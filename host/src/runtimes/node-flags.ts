/** `--permission` from Node 22.13 (and 23.5); `--experimental-permission` before. */
export function permissionFlag(version: string = process.versions.node): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const stable = major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

/**
 * Node arguments that run `bundle` with read access to the given paths (the plugin folder's checked entries, see
 * plugins/contained.ts) and the bundle only: no writes, no child processes, no workers.
 */
export function isolatedNodeArgs(read: string | string[], bundle: string, version: string = process.versions.node): string[] {
  const paths = typeof read === 'string' ? [read] : read;
  return [
    permissionFlag(version),
    '--disable-warning=ExperimentalWarning',
    ...paths.map((p) => `--allow-fs-read=${p}`),
    `--allow-fs-read=${bundle}`,
    bundle,
  ];
}
