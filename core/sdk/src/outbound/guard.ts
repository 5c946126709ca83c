import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { NeonHubError } from '@neonhub/schemas';
import type { buildConnector as BuildConnector } from 'undici';
import { outboundErrors } from '../errors.js';
import { refusedAddress, refusedName } from './addresses.js';
import { type AllowRule, allowsAddress, allowsName, parseAllowList } from './allow-list.js';
import { Agent, buildConnector, fetch as undiciFetch } from './undici.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (default: `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundGuardOptions {
  /** Allow-list entries (host-wide NEONHUB_OUTBOUND_ALLOW plus the workspace's); see parseAllowEntry. */
  allow?: string | readonly string[];
  /** How names are resolved (tests map names to chosen addresses). */
  resolve?: Resolver;
  /** Connect timeout in ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Certificate authorities to trust for https instead of Node's bundled ones (a private CA, tests). */
  ca?: string | Buffer | Array<string | Buffer>;
}

export interface OutboundTarget {
  url: URL;
  port: number;
  /** The addresses a connection may use (empty when the name could not be resolved yet). */
  addresses: ResolvedAddress[];
}

export interface OutboundGuard {
  /**
   * Checks a URL now (a setting being saved): the scheme, the name, and every address it resolves to.
   * Throws NH_OUTBOUND_URL_INVALID or NH_OUTBOUND_BLOCKED. A name that does not resolve passes (it is checked
   * again on every connection).
   */
  check(url: string | URL): Promise<OutboundTarget>;
  /**
   * A `fetch` whose every connection (redirects included) is checked and pinned: the name is resolved once per
   * connection, every address checked, and the socket connects only to an address that passed. Rejects with
   * NH_OUTBOUND_BLOCKED for a refused target and NH_OUTBOUND_FAILED (no low-level reason) when an allowed target
   * cannot be reached; an abort stays an abort.
   */
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

const defaultResolve: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const unbracket = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

const REASONS: Record<string, string> = {
  metadata: 'a cloud metadata endpoint',
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  invalid: 'not a valid address',
};

function blocked(target: { hostname: string; port: number }, range: string, resolved: boolean): NeonHubError {
  const what = REASONS[range] ?? `a reserved address (${range})`;
  const { hostname, port } = target;
  return outboundErrors.create(
    'NH_OUTBOUND_BLOCKED',
    `outbound request to ${hostname} refused: ${resolved ? 'the name resolves to' : 'it is'} ${what}. The host's operator can allow-list it (NEONHUB_OUTBOUND_ALLOW, or the workspace's outbound allow-list)`,
    { details: { host: hostname, port, range } },
  );
}

function unreachable(url: URL): NeonHubError {
  const port = Number(url.port) || defaultPort(url.protocol);
  return outboundErrors.create('NH_OUTBOUND_FAILED', `could not reach ${url.hostname}`, {
    details: { host: url.hostname, port },
  });
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw outboundErrors.create('NH_OUTBOUND_URL_INVALID', 'the outbound URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw outboundErrors.create('NH_OUTBOUND_URL_INVALID', `outbound requests use http or https, not ${url.protocol.replace(':', '')}`, {
      details: { protocol: url.protocol },
    });
  return url;
}

/** The one guard for every request the host makes for a workspace. See docs/security.md, "Outbound requests". */
export function createOutboundGuard(opts: OutboundGuardOptions = {}): OutboundGuard {
  const rules: AllowRule[] = parseAllowList(opts.allow);
  const resolve = opts.resolve ?? defaultResolve;

  /** Refusal reason for a host (name or literal) on a port before resolving; undefined = resolve (names) or pass. */
  function judgeHost(host: string, port: number): { range: string; resolved: false } | undefined {
    if (allowsName(rules, host, port)) return undefined;
    if (isIP(host)) {
      const range = refusedAddress(host);
      return range && !allowsAddress(rules, host, port) ? { range, resolved: false } : undefined;
    }
    const name = refusedName(host);
    return name ? { range: name, resolved: false } : undefined;
  }

  /** The resolved addresses a connection may use; `refused` = why when none may. */
  function permitted(host: string, port: number, addresses: ResolvedAddress[]): { ok: ResolvedAddress[]; refused?: string } {
    if (allowsName(rules, host, port)) return { ok: addresses };
    let refused: string | undefined;
    const ok = addresses.filter((a) => {
      const range = refusedAddress(a.address);
      if (!range || allowsAddress(rules, a.address, port)) return true;
      refused ??= range;
      return false;
    });
    return ok.length > 0 ? { ok } : { ok, ...(refused ? { refused } : {}) };
  }

  /** Thrown inside a connection; carried out of undici's `fetch failed` as the cause. */
  class Refused extends Error {
    constructor(
      readonly target: { hostname: string; port: number },
      readonly range: string,
      readonly resolved: boolean,
    ) {
      super('outbound target refused');
    }
  }

  const lookupFor =
    (port: number): LookupFunction =>
    (hostname, options, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const { ok, refused } = permitted(hostname, port, addresses);
          const family = options.family === 4 || options.family === 6 ? options.family : undefined;
          const usable = family ? ok.filter((a) => a.family === family) : ok;
          if (usable.length === 0) {
            const err = refused
              ? new Refused({ hostname, port }, refused, true)
              : Object.assign(new Error('no usable address'), { code: 'ENOTFOUND' });
            (callback as (e: Error) => void)(err);
            return;
          }
          if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, usable);
          else callback(null, usable[0]!.address, usable[0]!.family);
        },
        (err: Error) => (callback as (e: Error) => void)(err),
      );
    };

  const connectors = new Map<number, BuildConnector.connector>();
  const connectorFor = (port: number) => {
    let c = connectors.get(port);
    if (!c) {
      c = buildConnector({ lookup: lookupFor(port), timeout: opts.connectTimeoutMs ?? 10_000, ...(opts.ca ? { ca: opts.ca } : {}) });
      connectors.set(port, c);
    }
    return c;
  };

  const agent = new Agent({
    connect: (options, callback) => {
      const port = Number(options.port) || defaultPort(options.protocol);
      const host = unbracket(options.hostname);
      const refused = judgeHost(host, port);
      if (refused) {
        callback(new Refused({ hostname: host, port }, refused.range, false), null);
        return;
      }
      connectorFor(port)(options, callback);
    },
  });

  async function check(input: string | URL): Promise<OutboundTarget> {
    const url = parseUrl(input);
    const host = unbracket(url.hostname);
    const port = Number(url.port) || defaultPort(url.protocol);
    const early = judgeHost(host, port);
    if (early) throw blocked({ hostname: url.hostname, port }, early.range, false);
    if (isIP(host)) return { url, port, addresses: [{ address: host, family: isIP(host) === 6 ? 6 : 4 }] };
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolve(host);
    } catch {
      return { url, port, addresses: [] };
    }
    const { ok, refused } = permitted(host, port, addresses);
    if (ok.length === 0 && refused) throw blocked({ hostname: url.hostname, port }, refused, true);
    return { url, port, addresses: ok };
  }

  const guardedFetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const request = input instanceof URL || typeof input === 'string' ? undefined : input;
    const url = parseUrl(request ? request.url : input.toString());
    const port = Number(url.port) || defaultPort(url.protocol);
    const early = judgeHost(unbracket(url.hostname), port);
    if (early) throw blocked({ hostname: url.hostname, port }, early.range, false);
    const fromRequest: RequestInit = request
      ? {
          method: request.method,
          headers: request.headers,
          signal: request.signal,
          redirect: request.redirect,
          ...(request.body ? { body: request.body, duplex: 'half' } : {}),
        }
      : {};
    try {
      return (await undiciFetch(url, {
        ...(fromRequest as object),
        ...(init as object),
        dispatcher: agent,
      })) as unknown as Response;
    } catch (err) {
      const e = err as Error & { cause?: unknown };
      if (e.name === 'AbortError' || e.name === 'TimeoutError' || init?.signal?.aborted || request?.signal.aborted) throw err;
      const cause = e.cause instanceof Refused ? e.cause : e instanceof Refused ? e : undefined;
      // A refused hop (a redirect included) names the host that was refused.
      if (cause) throw blocked(cause.target, cause.range, cause.resolved);
      // undici's network failure; anything else (a malformed request) is the caller's and stays as it is.
      if (e.message === 'fetch failed') throw unreachable(url);
      throw err;
    }
  };

  return {
    check,
    fetch: guardedFetch as typeof globalThis.fetch,
    close: () => agent.close(),
  };
}
