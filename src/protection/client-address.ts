/**
 * The client IP every per-IP limit counts against. Directly connected clients are
 * known by their TCP peer address; behind a reverse proxy (`trustProxy`), by the last
 * `X-Forwarded-For` entry, the one the proxy itself appended: entries before it were
 * written by the client and prove nothing.
 */
import type { IncomingHttpHeaders } from 'node:http';

export function clientAddress(peer: string | undefined, headers: IncomingHttpHeaders, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headers['x-forwarded-for'];
    const value = Array.isArray(forwarded) ? forwarded[forwarded.length - 1] : forwarded;
    const last = value?.split(',').pop()?.trim();
    if (last) return normalise(last);
  }
  return normalise(peer ?? 'unknown');
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
