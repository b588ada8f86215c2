import { isIPv4 } from 'node:net';

/**
 * True for an address only this machine can send from: 127.0.0.0/8, `::1`, and IPv4 loopback
 * as a dual-stack socket reports it (`::ffff:127.0.0.1`). A request to this machine's LAN
 * address comes from that address, not from loopback, even when it starts on this machine.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const ipv4 = address.toLowerCase().startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIPv4(ipv4)) return ipv4.startsWith('127.');
  return address === '::1';
}
