import type { AddressInfo } from 'node:net';

export interface AllowedHostsOptions {
  /** Extra names (`host` or `host:port`) the server is reached by: NEONHUB_ALLOWED_HOSTS, a reverse proxy's name. */
  allowedHosts?: readonly string[];
  /** The public URL (NEONHUB_PUBLIC_URL): its host is allowed, its origin too. */
  publicBaseUrl?: string;
  /** Extra browser origins allowed (default: the allowed hosts over http and https). */
  allowedOrigins?: readonly string[];
}

export interface AllowedHosts {
  /** The Host header (`name:port`, lower-case) is one this server serves. */
  host(header: string | undefined): boolean;
  /** A browser Origin this server serves (its own pages). */
  origin(header: string): boolean;
  /** For messages and the MCP transport's own check. */
  hosts(): string[];
  origins(): string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `host:port` forms of a configured name: a bare name is allowed on the bound port (and on 80/443 behind a proxy). */
function expand(name: string, port: number | undefined): string[] {
  const n = name.trim().toLowerCase();
  if (!n) return [];
  if (/:\d+$/.test(n) && !/^[^[]*:[^:]*:/.test(n)) return [n];
  return [n, ...(port !== undefined ? [`${n}:${port}`] : [])];
}

/**
 * The Host allow-list (DNS rebinding): loopback names on the bound port, the bound address itself
 * when it is not a wildcard, configured names and the public URL's host. Before the server listens
 * (`app.inject` in tests) loopback names on any port are accepted: nothing can reach it from outside.
 */
export function createAllowedHosts(address: () => AddressInfo | string | null, opts: AllowedHostsOptions): AllowedHosts {
  let cache: { key: string; hosts: Set<string>; origins: Set<string> } | undefined;
  const compute = () => {
    const raw = address();
    const addr = raw && typeof raw === 'object' ? raw : null;
    const key = addr ? `${addr.address}:${addr.port}` : '-';
    if (cache?.key === key) return cache;
    const port = addr?.port;
    const hosts = new Set<string>();
    if (port !== undefined) {
      for (const h of LOOPBACK_NAMES) hosts.add(`${h}:${port}`);
      if (!['0.0.0.0', '::'].includes(addr!.address))
        hosts.add(`${addr!.family === 'IPv6' ? `[${addr!.address}]` : addr!.address}:${port}`);
    }
    for (const name of opts.allowedHosts ?? []) for (const h of expand(name, port)) hosts.add(h);
    let publicOrigin: string | undefined;
    if (opts.publicBaseUrl) {
      try {
        const u = new URL(opts.publicBaseUrl);
        hosts.add(u.host.toLowerCase());
        publicOrigin = u.origin;
      } catch {
        // validated where the configuration is read
      }
    }
    const origins = new Set<string>([
      ...[...hosts].flatMap((h) => [`http://${h}`, `https://${h}`]),
      ...(publicOrigin ? [publicOrigin] : []),
      ...(opts.allowedOrigins ?? []),
    ]);
    cache = { key, hosts, origins };
    return cache;
  };
  const unbound = () => {
    const raw = address();
    return !raw || typeof raw !== 'object';
  };
  const loopbackAnyPort = (host: string) => LOOPBACK_NAMES.some((n) => host === n || host.startsWith(`${n}:`));
  return {
    host(header) {
      const h = (header ?? '').toLowerCase();
      if (!h) return false;
      if (compute().hosts.has(h)) return true;
      return unbound() && loopbackAnyPort(h);
    },
    origin(header) {
      if (compute().origins.has(header)) return true;
      if (!unbound()) return false;
      try {
        return loopbackAnyPort(new URL(header).host);
      } catch {
        return false;
      }
    },
    hosts: () => [...compute().hosts],
    origins: () => [...compute().origins],
  };
}

/** NEONHUB_ALLOWED_HOSTS: a comma- or space-separated list of names. */
export const parseHostList = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);

/** The URL this server reaches itself at: its bound address, with a wildcard bind answered on loopback. */
export function ownUrl(address: AddressInfo | string | null): string | undefined {
  if (!address || typeof address === 'string') return undefined;
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  return `http://${host}:${address.port}`;
}
