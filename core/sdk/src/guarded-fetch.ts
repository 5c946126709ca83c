import { sdkErrors } from './errors.js';

/** True when `host` (hostname[:port]) matches a declared pattern (`api.x.com`, `*.x.com`, `localhost:8080`). */
export function hostAllowed(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const withPort = url.port ? `${host}:${url.port}` : host;
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      return host.endsWith(suffix) && host.length > suffix.length;
    }
    return pattern.includes(':') ? pattern === withPort : pattern === host;
  });
}

/** A `fetch` that refuses any host not declared in the manifest's `network.hosts`. */
export function createGuardedFetch(allowedHosts: readonly string[], base: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!hostAllowed(url, allowedHosts)) {
      return Promise.reject(
        sdkErrors.create('NH_SDK_HOST_NOT_ALLOWED', `host ${url.host} is not declared in this plugin's network.hosts`, {
          details: { host: url.host, allowed: allowedHosts },
        }),
      );
    }
    return base(input, { ...init, redirect: init?.redirect ?? 'manual' });
  };
}
