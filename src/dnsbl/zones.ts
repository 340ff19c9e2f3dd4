import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { PilloryError } from '../core/errors.ts';

const codeSchema = z.strictObject({
  code: z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/),
  meaning: z.string().min(1),
  abuse: z.boolean(),
});

const zoneSchema = z.strictObject({
  zone: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
  name: z.string().min(1),
  url: z.string().min(1),
  lists: z.string().min(1),
  scope: z.enum(['ip', 'range', 'asn']),
  ipv6: z.boolean(),
  status: z.enum(['active', 'retired']),
  retired: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  needsRegistration: z.boolean(),
  refusesPublicResolvers: z.boolean(),
  notes: z.string().optional(),
  /** How long a result stays fresh before the address is asked again (default: dnsbl.ttlHours). */
  ttlHours: z.number().positive().max(24 * 90).optional(),
  codes: z.array(codeSchema),
}).refine((z) => (z.status === 'retired') === (z.retired !== undefined), {
  message: 'a retired zone needs "retired: YYYY-MM", an active one must not have it',
});

export type ZoneCode = z.infer<typeof codeSchema>;
export type Zone = z.infer<typeof zoneSchema>;

export const DEFAULT_ZONES_FILE = fileURLToPath(new URL('../../data/dnsbl/zones.yaml', import.meta.url));

/** The zone registry (data/dnsbl/zones.yaml by default), validated. */
export function loadZones(file: string = DEFAULT_ZONES_FILE): Zone[] {
  const parsed = z.array(zoneSchema).safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PilloryError('BAD_ZONES', `${file} is not a valid zone registry: ${where}`);
  }
  const seen = new Set<string>();
  for (const zone of parsed.data) {
    if (seen.has(zone.zone)) throw new PilloryError('BAD_ZONES', `${file}: zone ${zone.zone} appears twice`);
    seen.add(zone.zone);
  }
  return parsed.data;
}

/**
 * The zones a config names. "all-active" means every active zone that needs no registration
 * (those must be named, because querying them unregistered breaks their terms). Unknown and
 * retired zones are refused with an error that names them.
 */
export function selectZones(names: readonly string[], registry: readonly Zone[]): Zone[] {
  const byName = new Map(registry.map((z) => [z.zone, z]));
  const out = new Map<string, Zone>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === 'all-active') {
      for (const z of registry) if (z.status === 'active' && !z.needsRegistration) out.set(z.zone, z);
      continue;
    }
    const zone = byName.get(name);
    if (!zone) {
      throw new PilloryError('UNKNOWN_ZONE', `DNSBL zone ${JSON.stringify(raw.slice(0, 100))} is not in the registry; known: ${registry.filter((z) => z.status === 'active').map((z) => z.zone).join(', ')}, or all-active`);
    }
    if (zone.status === 'retired') {
      throw new PilloryError('RETIRED_ZONE', `DNSBL zone ${zone.zone} was retired in ${zone.retired}; remove it from dnsbl.zones`);
    }
    out.set(zone.zone, zone);
  }
  return [...out.values()];
}
