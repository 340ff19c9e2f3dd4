// The machine-readable twin of a report page (/ip/<slug>.json): the same facts, no markup. Log-derived
// strings stay plain data; the serialiser escapes <, >, & so no browser can sniff it as HTML.
import type { ActorReport, PageMeta } from '../lib/snapshot-types.ts';
import { reportUpdated } from './expiry.ts';

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function reportDocument(r: ActorReport, meta: Pick<PageMeta, 'licence' | 'halfLifeDays'>, url: string, agesOutAt: number | null) {
  const halfLifeDays = meta.halfLifeDays;
  return {
    address: r.key,
    report: url,
    // when the report last changed (its newest request, or its first publication), not the build time
    updated: iso(reportUpdated(r)),
    licence: meta.licence,
    status: r.status,
    in_blocklist: r.inBlocklist,
    expired_at: iso(r.expiredAt),
    // the report's score: Σ of the signatures (capped) at the last offending request, plus DNSBL points;
    // the score of a later day halves every half_life_days from last_offence (today's: /blocklist/blocklist.json)
    score: r.score,
    score_parts: { signatures_capped: r.rawScore, corroboration: r.corroboration },
    decay: { last_offence: iso(r.lastOffence), half_life_days: halfLifeDays > 0 ? halfLifeDays : null },
    verdict: r.verdict,
    peak_score: r.peakScore,
    research_scanner: r.scanner,
    shared_address: r.sharedReason,
    first_seen: iso(r.firstSeen),
    last_seen: iso(r.lastSeen),
    first_published: iso(r.firstPublished),
    ages_out: iso(agesOutAt),
    requests: r.requests,
    geo: { country: r.country, country_name: r.countryName, region: r.region, city: r.city, source: r.geoSource },
    network: { asn: r.asn, org: r.org, type: r.networkType, shared_reason: r.sharedReason, scanner: r.scanner, abuse_email: r.abuse?.email ?? null },
    signatures: r.signatures.map((s) => ({
      rule: s.ruleId,
      title: s.title,
      label: s.label,
      severity: s.severity,
      points: s.points,
      requests: s.count,
      first: iso(s.firstTs),
      last: iso(s.lastTs),
      evidence: s.evidence.map((h) => ({ time: iso(h.ts), method: h.method, path: h.request, status: h.status, referer: h.referer, user_agent: h.userAgent })),
    })),
    dnsbl_points: r.corroboration,
    dnsbl: r.dnsbl.map((d) => ({ zone: d.zone, status: d.status, meaning: d.meaning, codes: d.codes, abuse: d.abuse, since: iso(d.since) })),
    redaction: 'Query values, e-mail addresses, tokens and the reporting site\'s host names are removed from paths.',
  };
}
