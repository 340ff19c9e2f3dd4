// Atom feed of newly published reports. Entries carry only facts the site owns (address, score,
// verdict, behaviour labels); every value is XML-escaped.
import type { ActorSummary } from '../lib/snapshot-types.ts';

export interface FeedEntry {
  actor: ActorSummary;
  url: string;
  labels: string[];
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const iso = (ms: number) => new Date(ms).toISOString();

export function atomFeed(o: { siteName: string; siteUrl: string; feedUrl: string; updated: number; licence: string; entries: FeedEntry[] }): string {
  const entries = o.entries.map(({ actor: a, url, labels }) => {
    const when = a.firstPublished ?? a.firstSeen;
    const summary = `Score ${a.score}/100 (${a.verdict}). ${labels.length ? `Behaviour: ${labels.join(', ')}.` : ''} ${a.requests} requests between ${iso(a.firstSeen).slice(0, 10)} and ${iso(a.lastSeen).slice(0, 10)}.`;
    return `  <entry>
    <title>${xmlEscape(`${a.key}: ${a.verdict} (${a.score})`)}</title>
    <id>${xmlEscape(url)}</id>
    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>
    <published>${iso(when)}</published>
    <updated>${iso(when)}</updated>
    <summary>${xmlEscape(summary.replace(/\s+/g, ' ').trim())}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${xmlEscape(`${o.siteName}: new reports`)}</title>
  <id>${xmlEscape(o.feedUrl)}</id>
  <link rel="self" type="application/atom+xml" href="${xmlEscape(o.feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xmlEscape(o.siteUrl)}"/>
  <updated>${iso(o.updated)}</updated>
  <author><name>${xmlEscape(o.siteName)}</name></author>
  <rights>${xmlEscape(o.licence)}</rights>
  <generator>Pillory</generator>
${entries.join('\n')}
</feed>
`;
}
