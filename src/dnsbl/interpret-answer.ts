import type { DnsOutcome } from '../dns/dns-client.ts';
import type { Zone } from './zones.ts';

/** What one DNSBL answer means. `breaksZone`: none of this zone's answers can be trusted this run. */
export type Verdict =
  | { status: 'listed'; meaning: string; codes: string; abuse: boolean }
  | { status: 'not_listed'; meaning: string; codes: '' }
  | { status: 'error'; meaning: string; codes: string; breaksZone: boolean; retryable: boolean };

// Spamhaus-style return codes in 127.255.255.0/24 report a problem with the query, not a listing.
const QUERY_ERRORS: Record<string, { meaning: string; breaksZone: boolean }> = {
  '127.255.255.252': { meaning: 'bad query (typo in the zone name)', breaksZone: true },
  '127.255.255.254': { meaning: 'resolver refused: queries through public/open resolvers are blocked', breaksZone: true },
  '127.255.255.255': { meaning: 'rate limited by the list operator', breaksZone: false },
};

function inLoopback8(a: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export function interpretAnswer(outcome: DnsOutcome, zone: Zone): Verdict {
  if ('error' in outcome) {
    return { status: 'error', meaning: outcome.error === 'timeout' ? 'timeout' : `query failed: ${outcome.error}`, codes: '', breaksZone: false, retryable: outcome.error === 'timeout' };
  }
  if (outcome.rcode === 'NXDOMAIN') return { status: 'not_listed', meaning: 'not listed', codes: '' };
  if (outcome.rcode !== 'NOERROR') {
    return { status: 'error', meaning: `resolver answered ${outcome.rcode}`, codes: '', breaksZone: false, retryable: false };
  }
  const answers = [...new Set(outcome.answers)].sort();
  const codes = answers.join(',');
  // NOERROR with no A record (NODATA) proves nothing either way
  if (answers.length === 0) return { status: 'error', meaning: 'empty answer (no A record)', codes: '', breaksZone: false, retryable: false };
  const outside = answers.filter((a) => !inLoopback8(a));
  if (outside.length > 0) {
    return { status: 'error', meaning: `zone broken: answer ${outside[0]} is outside 127.0.0.0/8 (dead or parked zone)`, codes, breaksZone: true, retryable: false };
  }
  const queryError = answers.map((a) => QUERY_ERRORS[a] ?? (a.startsWith('127.255.255.') ? { meaning: `list operator error code ${a}`, breaksZone: false } : null)).find((e) => e);
  if (queryError) return { status: 'error', meaning: queryError.meaning, codes, breaksZone: queryError.breaksZone, retryable: false };
  const table = new Map(zone.codes.map((c) => [c.code, c]));
  const meanings: string[] = [];
  let abuse = false;
  for (const a of answers) {
    const known = table.get(a);
    meanings.push(known ? known.meaning : 'listed (unknown code)');
    if (known?.abuse) abuse = true;
  }
  // range- and ASN-wide listings say nothing about this address
  if (zone.scope !== 'ip') abuse = false;
  return { status: 'listed', meaning: [...new Set(meanings)].join('; '), codes, abuse };
}
