// The ready-to-send abuse report: plain text the reader copies into a mail client. It names the
// address, the times and the redacted request lines; the mailto: link built from it carries only the
// validated recipient and a subject made of the actor key, never log text.
import type { ActorReport } from '../lib/snapshot-types.ts';
import { utc } from './format.ts';
import { shorten } from './evidence-view.ts';

const MAX_LINES = 6;

export function abuseEmailText(r: ActorReport, reportUrl: string, siteName: string, labelTitle: (id: string) => string): { subject: string; body: string } {
  const subject = `Abuse report: ${r.key} (${r.verdict}, score ${r.score}/100)`;
  const lines = r.signatures
    .flatMap((s) => s.evidence.map((h) => ({ h, rule: s.ruleId })))
    .sort((a, b) => a.h.ts - b.h.ts)
    .filter((x, i, all) => all.findIndex((y) => y.h.id === x.h.id) === i)
    .slice(0, MAX_LINES)
    .map(({ h, rule }) => `  ${utc(h.ts)}  ${h.method ? `${h.method} ` : ''}${shorten(h.request)}  → ${h.status}  [${rule}]`);
  const labels = [...new Set(r.signatures.map((s) => labelTitle(s.label)))];
  const body = [
    'Hello,',
    '',
    `${r.key}${r.asn !== null ? `, announced by AS${r.asn}${r.org ? ` (${r.org})` : ''},` : ''} sent ${r.requests} requests to our web server between ${utc(r.firstSeen)} and ${utc(r.lastSeen)}.`,
    `Behaviour observed: ${labels.join(', ') || 'see the report'}.`,
    '',
    'Sample requests (times in UTC; query values and our host names removed):',
    ...lines,
    '',
    `Full report with every signature and the evidence behind it: ${reportUrl}`,
    '',
    'Please investigate this host; it may be compromised or rented for scanning.',
    '',
    `— ${siteName}`,
  ].join('\n');
  return { subject, body };
}
