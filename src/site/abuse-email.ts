// The ready-to-send abuse report: plain text the reader copies into a mail client. It names the
// address, the times and the redacted request lines. The mailto: link carries the validated recipient,
// a subject made of the actor key, and a short body made of facts the pipeline computed (counts, times,
// behaviour labels from the taxonomy, the report's URL) — never log text.
import type { ActorReport, ActorSummary } from '../lib/snapshot-types.ts';
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

/** The short body of the mailto: link: no request line, user agent or path, only computed facts and the URL. */
export function abuseMailBody(r: ActorReport, reportUrl: string, siteName: string, labelTitle: (id: string) => string): string {
  const labels = [...new Set(r.signatures.map((s) => labelTitle(s.label)))];
  return [
    'Hello,',
    '',
    `${r.key}${r.asn !== null ? ` (AS${r.asn})` : ''} sent ${r.requests} requests to our web server between ${utc(r.firstSeen)} and ${utc(r.lastSeen)}` +
      `${labels.length ? `: ${labels.join(', ')}` : ''}. Score ${r.score}/100 (${r.verdict}).`,
    '',
    `Report with every request as evidence: ${reportUrl}`,
    '',
    'Please investigate this host.',
    '',
    `— ${siteName}`,
  ].join('\r\n');
}

/**
 * The "report this address" link. `email` must already be a validated plain address (the snapshot
 * reader checks it); subject and body are percent-encoded (RFC 6068), so nothing can add headers.
 */
export function abuseMailto(email: string, subject: string, body: string): string {
  return `mailto:${email}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

const MAX_NETWORK_LINES = 20;

/** Subject and short body for the abuse desk of a network: its published addresses with their report URLs. */
export function networkAbuseMail(
  asn: number, org: string | null, actors: readonly ActorSummary[], reportUrl: (slug: string) => string, siteName: string,
): { subject: string; body: string } {
  const shown = actors.slice(0, MAX_NETWORK_LINES);
  const subject = `Abuse report: ${actors.length} ${actors.length === 1 ? 'address' : 'addresses'} in AS${asn}`;
  const body = [
    'Hello,',
    '',
    `${actors.length} ${actors.length === 1 ? 'address' : 'addresses'} announced by AS${asn}${org ? ` (${org})` : ''} sent abusive requests to our web server. Each report lists the requests as evidence:`,
    '',
    ...shown.map((a) => `  ${a.key}  score ${a.score}/100 (${a.verdict}), last seen ${utc(a.lastSeen)}  ${reportUrl(a.slug)}`),
    ...(actors.length > shown.length ? [`  … and ${actors.length - shown.length} more`] : []),
    '',
    'Please investigate these hosts.',
    '',
    `— ${siteName}`,
  ].join('\r\n');
  return { subject, body };
}
