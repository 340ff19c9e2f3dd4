// Small pure formatters shared by components. All times are shown in UTC so a page reads the same
// wherever it is built.

/** `2026-12-03 21:04:05 UTC`, or an em dash for a missing time. */
export function utc(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `2026-12-03 21:04:05`, for tables whose heading already says UTC. */
export function utcTime(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? '—' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2026-12-03`. */
export function day(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(0, 10);
}

/** The value, or "unknown" when absent — never a guess. */
export function orUnknown(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === '' ? 'unknown' : String(v);
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

const NETWORK_LABELS: Record<string, string> = {
  hosting: 'hosting / data centre',
  residential: 'residential',
  mobile: 'mobile',
  education: 'education',
  'cdn-proxy-vpn': 'CDN, proxy or VPN',
  tor: 'Tor exit',
  unknown: 'unknown',
};

export function networkLabel(t: string): string {
  return NETWORK_LABELS[t] ?? 'unknown';
}

/** Site-relative URLs; slugs and codes were validated by the reader. */
export const paths = {
  ip: (slug: string) => `/ip/${slug}/`,
  country: (code: string) => `/country/${code.toLowerCase()}/`,
  asn: (asn: number) => `/asn/${asn}/`,
};
