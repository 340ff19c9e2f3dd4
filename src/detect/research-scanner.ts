import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { PilloryError } from '../core/errors.ts';
import { blockListOf, canonicalIp, inList } from '../core/ip.ts';

/** An internet-measurement project (data/scanners/<name>.yaml): labelled, kept out of blocklists. */
export interface ScannerDef { name: string; url: string | null; rdnsSuffixes: string[]; ranges: string[] }

const scannerSchema = z.strictObject({
  name: z.string().min(2).max(60),
  url: z.url().optional(),
  rdnsSuffixes: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/)).default([]),
  ranges: z.array(z.string()).default([]),
}).refine((s) => s.rdnsSuffixes.length + s.ranges.length > 0, 'a scanner needs rdnsSuffixes or ranges');

export const DEFAULT_SCANNERS_DIR = fileURLToPath(new URL('../../data/scanners/', import.meta.url));

const compiled = new WeakMap<ScannerDef, ReturnType<typeof blockListOf>>();

/** Every scanner definition under `dir`, sorted by file name; an absent folder means none. */
export function loadScanners(dir: string = DEFAULT_SCANNERS_DIR): ScannerDef[] {
  if (!existsSync(dir)) return [];
  const defs: ScannerDef[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new PilloryError('SCANNER_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { cause });
    }
    const r = scannerSchema.safeParse(raw);
    if (!r.success) {
      const issues = r.error.issues.map((i) => `field ${i.path.join('.') || '(top level)'}: ${i.message}`);
      throw new PilloryError('SCANNER_INVALID', `${file}: ${issues.join('; ')}`);
    }
    const def: ScannerDef = { name: r.data.name, url: r.data.url ?? null, rdnsSuffixes: r.data.rdnsSuffixes, ranges: r.data.ranges };
    try {
      compiled.set(def, blockListOf(def.ranges));
    } catch (cause) {
      throw new PilloryError('SCANNER_INVALID', `${file}: field ranges: ${(cause as Error).message}`, { cause });
    }
    defs.push(def);
  }
  return defs;
}

/** The scanner whose published ranges hold this address, or null (no network needed). */
export function scannerByRange(ip: string, defs: readonly ScannerDef[]): ScannerDef | null {
  const canon = canonicalIp(ip);
  if (!canon) return null;
  for (const d of defs) {
    if (d.ranges.length === 0) continue;
    let list = compiled.get(d);
    if (!list) { list = blockListOf(d.ranges); compiled.set(d, list); }
    if (inList(list, canon)) return d;
  }
  return null;
}
