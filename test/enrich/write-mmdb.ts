// A small writer of the MaxMind DB format (https://maxmind.github.io/MaxMind-DB/), enough for tests
// to build GeoLite2-style City, Country and ASN files with chosen records: no npm package writes the
// format, and the real GeoLite2 files need a licence key to download. IPv6 tree (ip_version 6) with
// IPv4 networks under ::/96, as MaxMind's own databases are laid out; 24-bit records.
import { isIPv4 } from 'node:net';
import { expandIPv6 } from '../../src/core/ip.ts';

export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbOptions {
  databaseType: string;
  buildEpoch: Date;
  description?: string;
  /** [CIDR, record]: IPv4 or IPv6 networks. */
  networks: [string, Record<string, MmdbValue>][];
}

function ctrl(type: number, size: number): Buffer {
  const ext = type > 7;
  const head = (ext ? 0 : type) << 5;
  const extByte = ext ? [type - 7] : [];
  if (size < 29) return Buffer.from([head | size, ...extByte]);
  if (size < 285) return Buffer.from([head | 29, ...extByte, size - 29]);
  if (size < 65_821) { const s = size - 285; return Buffer.from([head | 30, ...extByte, s >> 8, s & 0xff]); }
  const s = size - 65_821;
  return Buffer.from([head | 31, ...extByte, (s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff]);
}

function uint(type: number, n: number | bigint): Buffer {
  let v = BigInt(n);
  const bytes: number[] = [];
  while (v > 0n) { bytes.unshift(Number(v & 0xffn)); v >>= 8n; }
  return Buffer.concat([ctrl(type, bytes.length), Buffer.from(bytes)]);
}

/** One value in the data-section encoding (no pointers: every record is written out in full). */
export function encodeValue(v: MmdbValue): Buffer {
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([ctrl(2, b.length), b]); }
  if (typeof v === 'boolean') return ctrl(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return uint(6, v);
    const b = Buffer.alloc(8); b.writeDoubleBE(v); return Buffer.concat([ctrl(3, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encodeValue)]);
  const entries = Object.entries(v);
  return Buffer.concat([ctrl(7, entries.length), ...entries.flatMap(([k, x]) => [encodeValue(k), encodeValue(x)])]);
}

/** The network as 128 bits (IPv4 under ::/96) and its prefix length in that tree. */
function bitsOf(cidr: string): { bits: number[]; length: number } {
  const [addr, len] = cidr.split('/') as [string, string];
  let groups: number[];
  let length = Number(len);
  if (isIPv4(addr)) {
    const o = addr.split('.').map(Number);
    groups = [0, 0, 0, 0, 0, 0, (o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    length += 96;
  } else {
    const g = expandIPv6(addr);
    if (!g) throw new Error(`not a network: ${cidr}`);
    groups = g;
  }
  const bits = groups.flatMap((g) => Array.from({ length: 16 }, (_, i) => (g >> (15 - i)) & 1));
  return { bits, length };
}

type Slot = { node: number } | { data: number } | null;

export function writeMmdb(opts: MmdbOptions): Buffer {
  const nodes: [Slot, Slot][] = [[null, null]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const [cidr, record] of opts.networks) {
    const encoded = encodeValue(record);
    const ref = { data: dataSize };
    data.push(encoded);
    dataSize += encoded.length;
    const { bits, length } = bitsOf(cidr);
    let n = 0;
    for (let depth = 0; depth < length - 1; depth++) {
      const b = bits[depth]!;
      const slot: Slot = nodes[n]![b as 0 | 1];
      if (slot && 'node' in slot) { n = slot.node; continue; }
      // a wider network already ends here: split it so both halves keep its record
      nodes.push([slot, slot]);
      nodes[n]![b as 0 | 1] = { node: nodes.length - 1 };
      n = nodes.length - 1;
    }
    nodes[n]![bits[length - 1]! as 0 | 1] = ref;
  }
  const count = nodes.length;
  const value = (s: Slot): number => (s === null ? count : 'node' in s ? s.node : count + 16 + s.data);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3);
    tree.writeUIntBE(value(r), i * 6 + 3, 3);
  });
  const meta = Buffer.concat([
    ctrl(7, 9),
    encodeValue('binary_format_major_version'), uint(5, 2),
    encodeValue('binary_format_minor_version'), uint(5, 0),
    encodeValue('build_epoch'), uint(9, Math.floor(opts.buildEpoch.getTime() / 1000)),
    encodeValue('database_type'), encodeValue(opts.databaseType),
    encodeValue('description'), encodeValue({ en: opts.description ?? `${opts.databaseType} (test)` }),
    encodeValue('ip_version'), uint(5, 6),
    encodeValue('languages'), encodeValue(['en']),
    encodeValue('node_count'), uint(6, count),
    encodeValue('record_size'), uint(5, 24),
  ]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), meta]);
}
