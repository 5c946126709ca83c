import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { addressKey, createClientIp, parseTrustedProxies } from './client-ip.js';

const req = (peer: string, headers: Record<string, string> = {}) =>
  ({ raw: { socket: { remoteAddress: peer } }, headers, ip: peer }) as unknown as FastifyRequest;

describe('clientIp', () => {
  it('is the socket peer by default: X-Forwarded-For and X-NeonHub-Client-IP from loopback are ignored', () => {
    const ip = createClientIp({ consoleSecret: () => undefined });
    expect(ip(req('127.0.0.1', { 'x-neonhub-client-ip': '10.0.0.1', 'x-forwarded-for': '10.0.0.2' }))).toBe('127.0.0.1');
    expect(ip(req('::ffff:192.0.2.4'))).toBe('192.0.2.4');
  });

  it('believes X-NeonHub-Client-IP only with the console secret (compared whole), and only when it is an address', () => {
    const ip = createClientIp({ consoleSecret: () => 's3cret-value' });
    const header = (secret: string, client: string) => ({ 'x-neonhub-console-secret': secret, 'x-neonhub-client-ip': client });
    expect(ip(req('127.0.0.1', header('s3cret-value', '198.51.100.9')))).toBe('198.51.100.9');
    expect(ip(req('127.0.0.1', header('s3cret-valu', '198.51.100.9')))).toBe('127.0.0.1');
    expect(ip(req('127.0.0.1', header('s3cret-value-and-more', '198.51.100.9')))).toBe('127.0.0.1');
    expect(ip(req('127.0.0.1', header('', '198.51.100.9')))).toBe('127.0.0.1');
    expect(ip(req('127.0.0.1', header('s3cret-value', 'not an address')))).toBe('127.0.0.1');
    expect(ip(req('127.0.0.1', header('s3cret-value', '::ffff:198.51.100.9')))).toBe('198.51.100.9');
    // no secret configured: nothing matches, not even an empty header
    expect(createClientIp({ consoleSecret: () => undefined })(req('127.0.0.1', header('', '198.51.100.9')))).toBe('127.0.0.1');
  });

  it('behind a trusted proxy takes the right-most X-Forwarded-For hop that is not a trusted proxy', () => {
    const ip = createClientIp({ trustedProxies: parseTrustedProxies('10.9.0.0/16, 192.0.2.1, loopback'), consoleSecret: () => undefined });
    expect(ip(req('10.9.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.9.3.3' }))).toBe('203.0.113.5');
    expect(ip(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }))).toBe('203.0.113.5');
    expect(ip(req('192.0.2.1', { 'x-forwarded-for': '10.9.0.8' }))).toBe('10.9.0.8'); // every hop trusted: the left-most
    expect(ip(req('10.9.0.1'))).toBe('10.9.0.1'); // no header
    expect(ip(req('10.9.0.1', { 'x-forwarded-for': '203.0.113.5, garbage' }))).toBe('10.9.0.1');
    // an untrusted peer's header is ignored
    expect(ip(req('198.51.100.3', { 'x-forwarded-for': '203.0.113.5' }))).toBe('198.51.100.3');
  });

  it('parses IPv6 ranges and refuses a malformed list with a code', () => {
    const list = parseTrustedProxies('fd00::/8,2001:db8::1');
    expect(list?.check('fd12::1', 'ipv6')).toBe(true);
    expect(list?.check('2001:db8::1', 'ipv6')).toBe(true);
    expect(list?.check('2001:db8::2', 'ipv6')).toBe(false);
    expect(parseTrustedProxies(' , ')).toBeUndefined();
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/x'])
      expect(() => parseTrustedProxies(bad)).toThrow(expect.objectContaining({ code: 'NH_CONFIG_ENV_INVALID' }));
  });

  it('counts an IPv6 client by its /64 and an IPv4 client by its address', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});
