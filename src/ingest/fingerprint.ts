import { createHash } from 'node:crypto';

// A file is known by its content, not its name: the hash of its first FINGERPRINT_BYTES of content.
// Rotation renames and compresses a file but never changes its start, and appending never changes it
// either. A file still shorter than that has no stable start yet, so it is fingerprinted by all of its
// content and the length is written into the key (`<hash>:<len>`); a later, longer file is recognised
// when its first <len> bytes hash the same. Full fingerprints are the plain hash.

export const FINGERPRINT_BYTES = 4096;
const HASH_CHARS = 32;

function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, HASH_CHARS);
}

/** Fingerprint of a file whose content starts with `head` (at most FINGERPRINT_BYTES). */
export function fingerprintOf(head: Uint8Array): string {
  const h = hashOf(head);
  return head.length >= FINGERPRINT_BYTES ? h : `${h}:${head.length}`;
}

/** The prefix length a fingerprint covers. */
export function fingerprintLength(fp: string): number {
  const i = fp.indexOf(':');
  return i < 0 ? FINGERPRINT_BYTES : Number(fp.slice(i + 1));
}

/**
 * Every known fingerprint that names a prefix of the content starting with `head`. Hashes once per
 * distinct prefix length, not once per checkpoint.
 */
export function matchingFingerprints(head: Uint8Array, known: Iterable<string>): string[] {
  const byLength = new Map<number, string[]>();
  for (const fp of known) {
    const len = fingerprintLength(fp);
    if (!Number.isInteger(len) || len <= 0 || len > head.length) continue;
    const list = byLength.get(len);
    if (list) list.push(fp); else byLength.set(len, [fp]);
  }
  const out: string[] = [];
  for (const [len, fps] of byLength) {
    const h = hashOf(head.subarray(0, len));
    const want = len >= FINGERPRINT_BYTES ? h : `${h}:${len}`;
    if (fps.includes(want)) out.push(want);
  }
  return out;
}
