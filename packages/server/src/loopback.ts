/** Whether an address or a Host header names this machine only. */
import { isIP } from 'node:net';

/** Whether `host` (an address to listen on) is a loopback address: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare.startsWith('::ffff:')) return bare.slice(7).startsWith('127.');
  return false;
}

/**
 * Whether a request's Host header names a loopback host. Without authentication this is what stops DNS rebinding:
 * a web page whose own name resolves to 127.0.0.1 still sends its own name as Host.
 */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
  return host !== undefined && isLoopbackAddress(host);
}
