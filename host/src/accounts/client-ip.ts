import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { sameSecret } from '../secrets/same-secret.js';

/** The header the in-process console sends with its per-process secret (process.env.NEONHUB_CONSOLE_SECRET). */
export const CONSOLE_SECRET_HEADER = 'x-neonhub-console-secret';
/** The browser's address as the console saw it; honoured only with the console secret. */
export const CONSOLE_CLIENT_IP_HEADER = 'x-neonhub-client-ip';

/** Names proxy-addr (Fastify's trustProxy) also accepts, as ranges. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:1.2.3.4` is the IPv4 address 1.2.3.4 (a dual-stack socket reports IPv4 peers that way). */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped?.[1] ?? a.toLowerCase();
}

const invalidProxy = (entry: string) =>
  hostErrors.create(
    'NH_CONFIG_ENV_INVALID',
    `NEONHUB_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal`,
    { details: { variable: 'NEONHUB_TRUSTED_PROXIES', entry } },
  );

/** Parses `NEONHUB_TRUSTED_PROXIES` (comma-separated addresses, CIDR ranges, or loopback/linklocal/uniquelocal). */
export function parseTrustedProxies(list: string | undefined): BlockList | undefined {
  const entries = (list ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const trusted = new BlockList();
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e.toLowerCase()] ?? [e])) {
    const [address = '', bits, extra] = entry.split('/');
    const ip = normalizeAddress(address);
    const family = isIP(ip);
    if (!family || extra !== undefined) throw invalidProxy(entry);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      trusted.addAddress(ip, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw invalidProxy(entry);
    trusted.addSubnet(ip, prefix, type);
  }
  return trusted;
}

const isTrusted = (list: BlockList, address: string) => {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an embedded IPv4 tail converted), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let a = address.split('%')[0] ?? '';
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail, extra] = a.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The key a client address is counted under: an IPv4 address itself, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would let it rotate past every limit).
 */
export function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(':')}::/64`
    : ip;
}

export interface ClientIpOptions {
  /** Parsed NEONHUB_TRUSTED_PROXIES (undefined: no proxy is trusted). */
  trustedProxies?: BlockList | undefined;
  /** The console's per-process secret, read per request (mountConsole sets it after the routes register). */
  consoleSecret?: () => string | undefined;
}

/**
 * The address a request comes from, for throttling and logs. In order:
 * 1. the console (it sends the per-process secret, compared in constant time) speaks for its browser in
 *    `X-NeonHub-Client-IP` (an IP address, else ignored);
 * 2. a peer named in NEONHUB_TRUSTED_PROXIES speaks through `X-Forwarded-For`: the right-most hop that is not
 *    itself a trusted proxy (hops to its left could be written by the client);
 * 3. otherwise the socket's peer. Headers from anyone else, loopback included, are ignored.
 */
export function createClientIp(opts: ClientIpOptions = {}) {
  const consoleSecret = opts.consoleSecret ?? (() => process.env.NEONHUB_CONSOLE_SECRET);
  return function clientIp(request: FastifyRequest): string {
    const peer = normalizeAddress(request.raw.socket?.remoteAddress ?? request.ip ?? '');
    const secret = consoleSecret();
    const sent = request.headers[CONSOLE_SECRET_HEADER];
    if (secret && typeof sent === 'string' && sameSecret(sent, secret)) {
      const forwarded = request.headers[CONSOLE_CLIENT_IP_HEADER];
      const ip = typeof forwarded === 'string' ? normalizeAddress(forwarded) : '';
      if (isIP(ip)) return ip;
    }
    const trusted = opts.trustedProxies;
    if (trusted && isTrusted(trusted, peer)) {
      const header = request.headers['x-forwarded-for'];
      const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalizeAddress).filter(Boolean);
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i] as string;
        if (!isIP(hop)) return peer; // garbage in the chain: do not guess past it
        if (!isTrusted(trusted, hop)) return hop;
      }
      return hops[0] ?? peer;
    }
    return peer;
  };
}

export type ClientIp = ReturnType<typeof createClientIp>;
