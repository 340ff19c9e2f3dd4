import { isUtf8 } from 'node:buffer';

// Apache (ap_escape_logitem) writes `\"`, `\\`, `\n`, `\t`… and `\xHH` inside quoted fields; nginx
// writes `\xHH`. The escapes stand for bytes, so they are decoded to bytes and the result read as UTF-8
// (`\xC3\xA3` is "ã"). Decoding happens only after the line has been split into fields, so an escaped
// quote can never end a field.

const SIMPLE: Record<string, number> = { '"': 0x22, '\\': 0x5c, n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, v: 0x0b, f: 0x0c };

export interface Decoded {
  text: string;
  /** Decoded bytes were not valid UTF-8 (replaced by U+FFFD). */
  badUtf8: boolean;
}

/** Decode the escapes of one quoted field's content. An unknown escape is kept as written. */
export function decodeLogEscapes(field: string): Decoded {
  if (field.indexOf('\\') < 0) return { text: field, badUtf8: false };
  const src = Buffer.from(field, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 0x5c || i + 1 >= src.length) { out[n++] = c; continue; }
    const next = String.fromCharCode(src[i + 1]!);
    const simple = SIMPLE[next];
    if (simple !== undefined) { out[n++] = simple; i++; continue; }
    if (next === 'x' && i + 3 < src.length) {
      const hi = hexVal(src[i + 2]!);
      const lo = hexVal(src[i + 3]!);
      if (hi >= 0 && lo >= 0) { out[n++] = (hi << 4) | lo; i += 3; continue; }
    }
    out[n++] = c;
  }
  const bytes = out.subarray(0, n);
  const text = bytes.toString('utf8');
  return { text, badUtf8: text.includes('\uFFFD') && !isUtf8(bytes) };
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * decodeLogEscapes for the hot path: the text only, with bad UTF-8 recorded on `flags` (the hit).
 * A field without a backslash, nearly every field, is returned as it is.
 */
export function decodeLogField(field: string, flags: { badUtf8: boolean }): string {
  if (field.indexOf('\\') < 0) return field;
  const d = decodeLogEscapes(field);
  if (d.badUtf8) flags.badUtf8 = true;
  return d.text;
}
