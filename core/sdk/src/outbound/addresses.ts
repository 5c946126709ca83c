import ipaddr from 'ipaddr.js';

/**
 * What an address is, by the IANA special-purpose registries (as ipaddr.js names them): `unicast` for a public
 * address, otherwise `loopback`, `private`, `linkLocal`, `uniqueLocal`, `carrierGradeNat`, `unspecified`,
 * `multicast`, `reserved`, ... An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 it carries.
 * `invalid` when the text is no IP address.
 */
export function addressRange(address: string): string {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // A zone index (fe80::1%eth0) only exists on link-local addresses.
  if (text.includes('%')) return 'linkLocal';
  if (!ipaddr.isValid(text)) return 'invalid';
  const parsed = ipaddr.process(text);
  // The deprecated IPv4-compatible form (::127.0.0.1 = ::7f00:1), which ipaddr.js counts as unicast.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
    const range = parsed.range();
    return range === 'unicast' ? 'ipv4Compatible' : range;
  }
  return parsed.range();
}

/** True for an address on the public internet; every special-purpose range (and anything unparsable) is false. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

/** Names of cloud metadata services, refused whatever they resolve to. */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** A host name as compared: lower case, without the trailing dot of a fully qualified name. */
export function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/**
 * Why a host NAME is refused before it is resolved: a cloud metadata name, or `localhost` (and `*.localhost`,
 * which RFC 6761 reserves for loopback whatever a resolver says). Undefined when the name must be resolved to tell.
 */
export function refusedName(hostname: string): 'metadata' | 'loopback' | undefined {
  const name = normalizeHostname(hostname);
  if (METADATA_NAMES.has(name)) return 'metadata';
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  return undefined;
}

/** Well-known metadata addresses (inside ranges already refused, named so the error says what they are). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200']);

/** Why an address is refused: its range, or `metadata` for a known metadata endpoint; undefined when public. */
export function refusedAddress(address: string): string | undefined {
  const range = addressRange(address);
  if (range === 'unicast') return undefined;
  if (range !== 'invalid') {
    const canonical = ipaddr.process(address.replace(/^\[|\]$/g, '')).toString();
    if (METADATA_ADDRESSES.has(canonical)) return 'metadata';
  }
  return range;
}
