import type { BlockList } from 'node:net';
import { canonicalIp, inList } from '../core/ip.ts';

// X-Forwarded-For is written by every hop, and the first hops are the client's own: anything left of
// the last address our own proxies appended can be forged. So the chain is walked from the right,
// past our trusted proxies, and the first address that is not one of them is the client. A peer that
// is not a trusted proxy gets no say at all: its header is ignored.

/** Hops examined from the right; a longer chain is someone padding the header. */
const MAX_HOPS = 32;
const MAX_HEADER = 4096;

/**
 * The client address of a request that reached us from `peer` (canonical) with this X-Forwarded-For
 * value. When the chain holds something that is not an address, the walk stops at the last trusted
 * hop, so a forged entry never becomes the client.
 */
export function clientFromForwardedFor(peer: string, forwardedFor: string | null, trusted: BlockList): string {
  if (!forwardedFor || forwardedFor === '-' || !inList(trusted, peer)) return peer;
  const tail = forwardedFor.length > MAX_HEADER ? forwardedFor.slice(-MAX_HEADER) : forwardedFor;
  const hops = tail.split(',');
  let client = peer;
  for (let i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
    const ip = canonicalIp(hops[i]!.trim());
    if (ip === null) return client;
    client = ip;
    if (!inList(trusted, ip)) return ip;
  }
  return client;
}

/**
 * The client of a request from `peer` given every client header its layout logged. X-Forwarded-For is
 * walked as above; without one, a single-address header (a CDN's CF-Connecting-IP / True-Client-IP, or
 * X-Real-IP) names the client — again only when the peer is trusted, and only when it is an address.
 */
export function clientFromHeaders(
  peer: string,
  headers: { forwardedFor: string | null; realIp: string | null; cdnIp: string | null },
  trusted: BlockList,
): string {
  if (!inList(trusted, peer)) return peer;
  if (headers.forwardedFor && headers.forwardedFor !== '-') return clientFromForwardedFor(peer, headers.forwardedFor, trusted);
  for (const one of [headers.cdnIp, headers.realIp]) {
    if (!one || one === '-') continue;
    const ip = canonicalIp(one.trim());
    if (ip !== null) return ip;
  }
  return peer;
}
