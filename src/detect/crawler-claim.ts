import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { PilloryError } from '../core/errors.ts';
import { blockListOf, canonicalIp, inList } from '../core/ip.ts';

/** A search-engine crawler a user agent may claim to be, and how to check the claim. */
export interface CrawlerDef { name: string; uaPattern: RegExp; rdnsSuffixes: string[]; ranges: string[] }

const crawlerSchema = z.strictObject({
  name: z.string().min(2).max(40),
  /** Case-insensitive regex on the user agent. */
  uaPattern: z.string().min(2).max(200),
  /** A verified reverse name ends in one of these (and resolves forward to the same address). */
  rdnsSuffixes: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/)).min(1),
  /** Address ranges the operator of the crawler publishes. */
  ranges: z.array(z.string()).default([]),
});

export const DEFAULT_CRAWLERS_DIR = fileURLToPath(new URL('../../data/crawlers/', import.meta.url));

const MAX_UA = 1024;
const compiled = new WeakMap<CrawlerDef, ReturnType<typeof blockListOf>>();

export function loadCrawlers(dir: string = DEFAULT_CRAWLERS_DIR): CrawlerDef[] {
  if (!existsSync(dir)) throw new PilloryError('CRAWLERS_MISSING', `crawler folder not found: ${dir}`);
  const defs: CrawlerDef[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new PilloryError('CRAWLER_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { cause });
    }
    const r = crawlerSchema.safeParse(raw);
    if (!r.success) {
      const issues = r.error.issues.map((i) => `field ${i.path.join('.') || '(top level)'}: ${i.message}`);
      throw new PilloryError('CRAWLER_INVALID', `${file}: ${issues.join('; ')}`);
    }
    let uaPattern: RegExp;
    try {
      uaPattern = new RegExp(r.data.uaPattern, 'i');
    } catch (cause) {
      throw new PilloryError('CRAWLER_INVALID', `${file}: field uaPattern: ${(cause as Error).message}`, { cause });
    }
    const def: CrawlerDef = { name: r.data.name, uaPattern, rdnsSuffixes: r.data.rdnsSuffixes, ranges: r.data.ranges };
    try {
      compiled.set(def, blockListOf(def.ranges));
    } catch (cause) {
      throw new PilloryError('CRAWLER_INVALID', `${file}: field ranges: ${(cause as Error).message}`, { cause });
    }
    defs.push(def);
  }
  return defs;
}

/** The crawler a user agent claims to be (first definition that matches), or null. */
export function claimedCrawler(ua: string, defs: readonly CrawlerDef[]): CrawlerDef | null {
  if (!ua) return null;
  const s = ua.length > MAX_UA ? ua.slice(0, MAX_UA) : ua;
  return defs.find((d) => d.uaPattern.test(s)) ?? null;
}

/** True when the address lies inside a range the crawler's operator publishes. */
export function inPublishedRanges(ip: string, def: CrawlerDef): boolean {
  const canon = canonicalIp(ip);
  if (!canon || def.ranges.length === 0) return false;
  let list = compiled.get(def);
  if (!list) {
    list = blockListOf(def.ranges);
    compiled.set(def, list);
  }
  return inList(list, canon);
}
