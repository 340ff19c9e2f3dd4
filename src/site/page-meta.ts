// Titles, descriptions and structured data for report pages. Built from facts the site owns (key,
// score, verdict, labels, dates); no log text goes into the head or the JSON-LD.
import type { ActorReport, PageMeta } from '../lib/snapshot-types.ts';
import { reportUpdated } from './expiry.ts';
import { count } from './format.ts';
import { labelTitle } from './labels.ts';

export function reportMeta(r: ActorReport, meta: PageMeta, url: string) {
  const labels = [...new Set(r.signatures.map((s) => labelTitle(s.label)))];
  const expired = r.status === 'expired';
  const title = expired ? `${r.key} — expired threat report` : `${r.key} — ${r.verdict} threat, score ${r.score}/100`;
  const description = `${expired ? 'Expired threat report (no longer listed)' : 'Threat report'} for ${r.key}${r.org ? ` (${r.org}${r.country ? `, ${r.country}` : ''})` : ''}: ${labels.slice(0, 3).join(', ') || 'abusive requests'}; ${count(r.requests, 'request')} seen ${new Date(r.firstSeen).toISOString().slice(0, 10)} to ${new Date(r.lastSeen).toISOString().slice(0, 10)}.`;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'WebPage',
    name: title,
    url,
    description,
    dateModified: new Date(reportUpdated(r)).toISOString(),
    datePublished: new Date(r.firstPublished ?? r.firstSeen).toISOString(),
    isPartOf: { '@type': 'WebSite', name: meta.siteName },
    license: meta.licence,
    about: { '@type': 'Thing', name: r.key, description: labels.join(', ') },
  };
  return { title, description, jsonLd };
}
