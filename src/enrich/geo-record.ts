// Field extraction for the two .mmdb record layouts we accept: MaxMind (country.iso_code,
// city.names.en, subdivisions[].names.en, autonomous_system_*) and DB-IP Lite as repackaged by
// ip-location-db (country_code, state1, city). Anything missing or malformed reads as null.

type Rec = Record<string, unknown> | null | undefined;

function str(v: unknown, max = 200): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function englishName(v: unknown): string | null {
  return str(obj(obj(v)?.['names'])?.['en']);
}

export interface PlaceFields { country: string | null; city: string | null; region: string | null }
export interface AsnFields { asn: number | null; org: string | null }

export function placeOf(rec: Rec): PlaceFields {
  if (!rec) return { country: null, city: null, region: null };
  const iso = str(obj(rec['country'])?.['iso_code']) ?? str(rec['country_code']);
  const country = iso && /^[A-Za-z]{2}$/.test(iso) && iso.toUpperCase() !== 'ZZ' ? iso.toUpperCase() : null;
  const subdivisions = rec['subdivisions'];
  const region = (Array.isArray(subdivisions) ? englishName(subdivisions[0]) : null) ?? str(rec['state1']);
  const city = englishName(rec['city']) ?? str(rec['city']);
  return { country, city, region };
}

export function asnOf(rec: Rec): AsnFields {
  if (!rec) return { asn: null, org: null };
  const n = rec['autonomous_system_number'];
  const asn = typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
  return { asn, org: asn === null ? null : str(rec['autonomous_system_organization']) };
}

const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** English country name of an ISO code, or null when the code is not a known region. */
export function countryName(code: string | null): string | null {
  if (!code) return null;
  try {
    return names.of(code) ?? null;
  } catch {
    return null;
  }
}
