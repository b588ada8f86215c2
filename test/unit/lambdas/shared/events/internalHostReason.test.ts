import { describe, expect, it } from 'vitest';
import { internalHostReason } from '../../../../../lambdas/shared/events/internalHostReason.js';

describe('internalHostReason', () => {
  it.each([
    ['https://127.0.0.1/hooks', '127.0.0.1 is a loopback address'],
    ['https://127.3.4.5:8443/', '127.3.4.5 is a loopback address'],
    ['https://[::1]/', '[::1] is a loopback address'],
    ['https://10.1.2.3/', '10.1.2.3 is a private address'],
    ['https://172.16.0.1/', '172.16.0.1 is a private address'],
    ['https://172.31.255.254/', '172.31.255.254 is a private address'],
    ['https://192.168.1.20/', '192.168.1.20 is a private address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://[fe80::1]/', '[fe80::1] is a link-local address'],
    ['https://[febf::1]/', '[febf::1] is a link-local address'],
    ['https://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT (shared) address'],
    ['https://100.127.255.255/', '100.127.255.255 is a carrier-grade NAT (shared) address'],
    ['https://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['https://[::]/', '[::] is an unspecified address'],
    ['https://[fc00::1]/', '[fc00::1] is a unique-local address'],
    ['https://[fd12:3456::1]/', '[fd12:3456::1] is a unique-local address'],
    ['https://localhost/', 'localhost names this machine (loopback)'],
    ['https://LocalHost./', 'localhost. names this machine (loopback)'],
    ['https://hooks.localhost/', 'hooks.localhost names this machine (loopback)'],
  ])('refuses %s: %s', (url, why) => {
    expect(internalHostReason(url)).toBe(`its host ${why}: a delivery would reach the deployer's own network or the Lambda runtime, not a receiver`);
  });

  it.each([
    ['hexadecimal', 'https://0x7f.1/'],
    ['a single decimal number', 'https://2130706433/'],
    ['octal', 'https://0177.0.0.1/'],
    ['octal as one number', 'https://017700000001/'],
    ['two parts', 'https://127.1/'],
    ['a trailing dot', 'https://127.0.0.1./'],
    ['IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped IPv6 in full', 'https://[0:0:0:0:0:ffff:7f00:1]/'],
  ])('sees loopback spelled in %s (%s), as new URL normalises it', (_spelling, url) => {
    expect(internalHostReason(url)).toMatch(/is a loopback address/);
  });

  it.each([
    ['https://[::ffff:169.254.169.254]/', 'a link-local address'],
    ['https://[::ffff:10.0.0.1]/', 'a private address'],
    ['https://0xa9.0xfe.0xa9.0xfe/', 'a link-local address'],
    ['https://0/', 'an unspecified address'],
  ])('sees the range behind %s', (url, what) => {
    expect(internalHostReason(url)).toContain(what);
  });

  it.each([
    'https://hooks.example.com/media',
    'https://203.0.113.7/',
    'https://172.32.0.1/',
    'https://172.15.255.255/',
    'https://100.128.0.1/',
    'https://169.253.1.1/',
    'https://192.169.0.1/',
    'https://[2001:db8::1]/',
    'https://[::ffff:203.0.113.7]/',
    'https://localhost.example.com/',
    'https://mylocalhost/',
    'not a url',
  ])('lets %s through', (url) => {
    expect(internalHostReason(url)).toBeUndefined();
  });

  it("lets loopback through for local mode's receivers, and nothing else internal", () => {
    for (const url of ['http://127.0.0.1:4000/hooks', 'http://[::1]:4000/', 'http://localhost:4000/', 'https://0x7f.1/']) {
      expect(internalHostReason(url, { allowLoopback: true })).toBeUndefined();
    }
    expect(internalHostReason('https://192.168.1.20/', { allowLoopback: true })).toContain('a private address');
    expect(internalHostReason('https://169.254.169.254/', { allowLoopback: true })).toContain('a link-local address');
  });

  it('takes a URL object as well as a string', () => {
    expect(internalHostReason(new URL('https://10.0.0.1/'))).toContain('a private address');
  });
});
