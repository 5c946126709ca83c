import ipaddr from 'ipaddr.js';
import { outboundErrors } from '../errors.js';
import { normalizeHostname } from './addresses.js';

/** One allow-list entry: addresses (one, or a CIDR range) or a host name, on one port or on any. */
export type AllowRule =
  | { kind: 'range'; range: [ipaddr.IPv4 | ipaddr.IPv6, number]; port?: number; entry: string }
  | { kind: 'name'; name: string; wildcard: boolean; port?: number; entry: string };

const NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

function invalid(entry: string, why: string) {
  return outboundErrors.create(
    'NH_OUTBOUND_ALLOW_INVALID',
    `outbound allow-list entry "${entry}" is not valid: ${why}. Use an address (127.0.0.1:11434, [::1]:11434), a range (10.0.0.0/8) or a host name (ollama.internal:11434)`,
    { details: { entry } },
  );
}

function parsePort(entry: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw invalid(entry, `port ${text} is not 1-65535`);
  return Number(text);
}

function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  if (text.includes('/')) return ipaddr.isValidCIDR(text) ? ipaddr.parseCIDR(text) : undefined;
  if (!ipaddr.isValid(text)) return undefined;
  // Only the four-part dotted form names an IPv4 address here (no 0x7f.1 or 2130706433 shorthands).
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  const address = ipaddr.process(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/**
 * Parses one entry: `127.0.0.1`, `127.0.0.1:11434`, `10.0.0.0/8`, `10.0.0.0/8:5432`, `::1`, `[::1]:11434`,
 * `[fd00::/8]:80`, `ollama.internal`, `ollama:11434`, `*.corp.example:443`. Throws NH_OUTBOUND_ALLOW_INVALID.
 */
export function parseAllowEntry(raw: string): AllowRule {
  const entry = raw.trim();
  if (!entry) throw invalid(raw, 'it is empty');
  let host = entry;
  let port: number | undefined;
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end < 0) throw invalid(entry, 'a [ without its ]');
    host = entry.slice(1, end);
    const rest = entry.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw invalid(entry, `unexpected "${rest}" after ]`);
      port = parsePort(entry, rest.slice(1));
    }
  } else if (!parseRange(entry)) {
    const colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      host = entry.slice(0, colon);
      port = parsePort(entry, entry.slice(colon + 1));
    }
  }
  const range = parseRange(host);
  if (range) return { kind: 'range', range, entry, ...(port ? { port } : {}) };
  const name = normalizeHostname(host);
  if (/^[\d.]+$/.test(name) || /^0x/i.test(name) || name.includes(':') || !NAME.test(name))
    throw invalid(entry, `"${host}" is neither an IP address, a CIDR range nor a host name`);
  return { kind: 'name', name: name.replace(/^\*\./, ''), wildcard: name.startsWith('*.'), entry, ...(port ? { port } : {}) };
}

/** Parses a list given as an array, or as one string separated by commas or white space (NEONHUB_OUTBOUND_ALLOW). */
export function parseAllowList(entries: string | readonly string[] | undefined): AllowRule[] {
  const list = typeof entries === 'string' ? entries.split(/[\s,]+/) : (entries ?? []);
  return list.filter((e) => e.trim() !== '').map(parseAllowEntry);
}

const portMatches = (rule: AllowRule, port: number) => rule.port === undefined || rule.port === port;

/** True when an entry allows connecting to this address on this port. */
export function allowsAddress(rules: readonly AllowRule[], address: string, port: number): boolean {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return false;
  const parsed = ipaddr.process(text);
  return rules.some((r) => r.kind === 'range' && portMatches(r, port) && parsed.kind() === r.range[0].kind() && parsed.match(r.range));
}

/** True when an entry names this host (and port): then whatever it resolves to is allowed. */
export function allowsName(rules: readonly AllowRule[], hostname: string, port: number): boolean {
  const name = normalizeHostname(hostname);
  return rules.some((r) => r.kind === 'name' && portMatches(r, port) && (r.wildcard ? name.endsWith(`.${r.name}`) : name === r.name));
}
