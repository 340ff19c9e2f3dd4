import { actorKeyOf } from '../core/ip.ts';
import { fnv32, fnv32Bytes } from '../detect/string-hash.ts';
import { cachedCanonicalIp } from './parse-line.ts';

// Which ingest thread takes a line: the one its client's actor hashes to, so an actor's requests all
// go to one thread and no state is ever merged. Decided from the line's bytes before it is decoded,
// the same way parse-line.ts finds the client (the first field, or the second when a virtual host
// comes first), for the formats that start with the client and without forwarding headers.

const SPACE = 0x20;

/** The formats a line's owner can be told from its first fields. */
export function ownerSplittable(format: string, trustedProxies: number): boolean {
  return trustedProxies === 0 && ['combined', 'common', 'vhost_combined'].includes(format.trim());
}

/** Thread (0…n-1) of the actor `key`. */
export function ownerOfKey(key: string, n: number): number {
  return fnv32(key) % n;
}

/**
 * Thread of the line buf[start, end): by the actor of its client address; a line with no address in
 * its first two fields (it will be skipped as malformed) by its number, so someone counts it.
 */
export function ownerOfLine(buf: Buffer, start: number, end: number, lineNo: number, n: number, vhostFirst: boolean, v6Prefix: number): number {
  let sp = buf.indexOf(SPACE, start);
  if (sp < 0 || sp > end) sp = end;
  if (canonicalIPv4(buf, start, sp)) {
    if (!vhostFirst) return fnv32Bytes(buf, start, sp) % n;
  }
  const first = vhostFirst ? null : addressKey(buf, start, sp, v6Prefix);
  if (first !== null) return fnv32(first) % n;
  let sp2 = sp < end ? buf.indexOf(SPACE, sp + 1) : -1;
  if (sp2 < 0 || sp2 > end) sp2 = end;
  const second = sp < end ? addressKey(buf, sp + 1, sp2, v6Prefix) : null;
  if (second !== null) return fnv32(second) % n;
  if (vhostFirst) {
    const f = addressKey(buf, start, sp, v6Prefix);
    if (f !== null) return fnv32(f) % n;
  }
  return lineNo % n;
}

function addressKey(buf: Buffer, from: number, to: number, v6Prefix: number): string | null {
  if (to <= from || to - from > 64) return null;
  const ip = cachedCanonicalIp(buf.toString('latin1', from, to));
  return ip === null ? null : actorKeyOf(ip, v6Prefix);
}

/** A dotted quad already in canonical form (no leading zeros): its text is its actor key. */
function canonicalIPv4(b: Buffer, from: number, to: number): boolean {
  const len = to - from;
  if (len < 7 || len > 15) return false;
  let dots = 0;
  let octet = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return false;
      octet = 0;
      digits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return false;
    if (digits === 1 && octet === 0) return false;
    octet = octet * 10 + d;
    if (++digits > 3 || octet > 255) return false;
  }
  return dots === 3 && digits > 0;
}
