// A short written analysis built only from facts the page also shows (counts, dates, fired rules,
// network, DNSBL outcomes). No sentence is emitted without the number that backs it.
import type { ActorReport, Activity, Neighbours } from '../lib/snapshot-types.ts';
import { count, day, networkLabel } from './format.ts';

const HOUR = 3_600_000;

function span(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / 60_000))} minute${Math.round(ms / 60_000) > 1 ? 's' : ''}`;
  if (ms < 48 * HOUR) return count(Math.round(ms / HOUR), 'hour');
  return count(Math.round(ms / (24 * HOUR)), 'day');
}

export function analysisFor(r: ActorReport, activity: Activity, near: Neighbours, labelTitle: (id: string) => string): string[] {
  const out: string[] = [];
  const what = r.key.includes('/') ? `The network ${r.key}` : r.key;
  out.push(`${what} sent ${count(r.requests, 'request')} to this site over ${span(r.lastSeen - r.firstSeen)}, from ${day(r.firstSeen)} to ${day(r.lastSeen)}${activity.days.length > 1 ? `, on ${count(activity.days.length, 'separate day')}` : ''}.`);
  if (r.signatures.length > 0) {
    const top = [...r.signatures].sort((a, b) => b.points - a.points || b.count - a.count)[0]!;
    const labels = [...new Set(r.signatures.map((s) => labelTitle(s.label)))];
    out.push(`${count(r.signatures.length, 'signature')} fired (${labels.join(', ')}); the strongest, “${top.title}”, matched ${count(top.count, 'request')} and carries ${top.points} points.`);
  }
  const total = activity.statusClasses.reduce((n, c) => n + c.requests, 0);
  const errors = activity.statusClasses.filter((c) => c.cls === 4).reduce((n, c) => n + c.requests, 0);
  const ok = activity.statusClasses.filter((c) => c.cls === 2).reduce((n, c) => n + c.requests, 0);
  if (total > 0) {
    const pct = (n: number) => Math.round((n / total) * 100);
    out.push(`${pct(errors)}% of its requests were refused or not found (4xx) and ${pct(ok)}% were answered normally (2xx).`);
  }
  const busiest = activity.hours.reduce((best, n, h) => (n > activity.hours[best]! ? h : best), 0);
  if (total >= 10 && activity.hours[busiest]! / total >= 0.5) {
    out.push(`Most of its requests (${activity.hours[busiest]} of ${total}) came between ${String(busiest).padStart(2, '0')}:00 and ${String(busiest).padStart(2, '0')}:59 UTC.`);
  }
  if (r.asn !== null) {
    out.push(`The address is announced by AS${r.asn}${r.org ? ` (${r.org})` : ''}, classified as ${networkLabel(r.networkType)}${r.countryName ? `, and located in ${r.countryName}` : ''}.`);
  }
  if (near.samePrefixTotal > 0) out.push(`${count(near.samePrefixTotal, 'other published address', 'other published addresses')} ${near.samePrefixTotal === 1 ? 'shares' : 'share'} its ${near.prefix} block.`);
  const answered = r.dnsbl.filter((d) => d.status === 'listed' || d.status === 'not_listed');
  const listed = answered.filter((d) => d.status === 'listed');
  if (answered.length > 0) {
    out.push(`${listed.length} of ${count(answered.length, 'DNS blocklist')} that answered list${listed.length === 1 ? 's' : ''} it${listed.some((d) => !d.abuse) ? ', some for policy reasons rather than abuse' : ''}.`);
  }
  return out;
}
