import { networkInterfaces } from 'node:os';

/** This machine's first non-internal IPv4 address (what a phone on the same network can reach), if any. */
export function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;
}

/** True for a host that listens on every interface rather than naming one. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
