import { BlockList, isIP } from 'node:net';

type Subnet = readonly [network: string, prefix: number, family: 'ipv4' | 'ipv6'];

const LOOPBACK = 'a loopback address';

/**
 * Address ranges a webhook must not point at, by what they are. A BlockList holding an IPv4
 * range also matches the IPv4-mapped IPv6 form of its addresses (`::ffff:127.0.0.1`).
 */
const INTERNAL_RANGES: readonly (readonly [what: string, subnets: readonly Subnet[]])[] = [
  [LOOPBACK, [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  // Linux connects 0.0.0.0 and :: to this machine.
  ['an unspecified address', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
  ['a private address', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4']]],
  // 169.254.169.254 is the instance metadata service.
  ['a link-local address', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  ['a carrier-grade NAT (shared) address', [['100.64.0.0', 10, 'ipv4']]],
  ['a unique-local address', [['fc00::', 7, 'ipv6']]],
];

const LISTS = INTERNAL_RANGES.map(([what, subnets]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return { what, list };
});

export interface InternalHostOptions {
  /** Local mode's receivers run on this machine: loopback hosts pass. @default false */
  readonly allowLoopback?: boolean;
}

/**
 * Why a webhook URL must not be delivered to, or undefined when its host may be: the host is an
 * IP literal in a loopback, unspecified, private, link-local, carrier-grade NAT or unique-local
 * range (IPv4-mapped IPv6 included), or the name `localhost` or a name under it. A delivery
 * there reaches the deployer's own network or the Lambda runtime (its API listens on
 * 127.0.0.1), not a receiver. The URL is parsed with `new URL`, which turns every spelling of an
 * IPv4 address (`0x7f.1`, `2130706433`, `0177.0.0.1`) into dotted decimal first. Other names are
 * not resolved: what a name points at can change after any check. A value that is no URL gives
 * undefined: its callers refuse those for that reason.
 */
export function internalHostReason(url: string | URL, options: InternalHostOptions = {}): string | undefined {
  let hostname: string;
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname;
  } catch {
    return undefined;
  }
  const host = hostname.replace(/^\[|\]$/g, '');
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return options.allowLoopback ? undefined : refusal(hostname, 'names this machine (loopback)');
  }
  const family = isIP(host);
  if (family === 0) return undefined;
  const what = LISTS.find(({ list }) => list.check(host, family === 4 ? 'ipv4' : 'ipv6'))?.what;
  if (what === undefined || (what === LOOPBACK && options.allowLoopback)) return undefined;
  return refusal(hostname, `is ${what}`);
}

function refusal(hostname: string, what: string): string {
  return `its host ${hostname} ${what}: a delivery would reach the deployer's own network or the Lambda runtime, not a receiver`;
}
