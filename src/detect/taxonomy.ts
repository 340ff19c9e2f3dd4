import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { PilloryError } from '../core/errors.ts';

/** A behaviour label: the public "why listed" text comes from here, never from log content. */
export interface Label { id: string; title: string; why: string }

const taxonomySchema = z.strictObject({
  labels: z.array(z.strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    title: z.string().min(3).max(80),
    why: z.string().min(10).max(300),
  })).min(1),
});

export const DEFAULT_TAXONOMY = fileURLToPath(new URL('../../data/taxonomy.yaml', import.meta.url));

export function loadTaxonomy(file: string = DEFAULT_TAXONOMY): Label[] {
  if (!existsSync(file)) throw new PilloryError('TAXONOMY_MISSING', `taxonomy file not found: ${file}`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new PilloryError('TAXONOMY_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const r = taxonomySchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `field ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new PilloryError('TAXONOMY_INVALID', `${file}: ${issues.join('; ')}`);
  }
  const seen = new Set<string>();
  for (const l of r.data.labels) {
    if (seen.has(l.id)) throw new PilloryError('TAXONOMY_INVALID', `${file}: field labels: id "${l.id}" appears twice`);
    seen.add(l.id);
  }
  return r.data.labels;
}
