// A short written analysis built only from facts the page also shows (counts, dates, fired rules,
// network, DNSBL outcomes). No sentence is emitted without the number that backs it.
import type { ActorReport, Activity, Neighbours } from '../lib/snapshot-types.ts';
import { count, day } from './format.ts';

const HOUR = 3_600_000;
const NETWORK_PHRASE: Readonly<Record<string, string>> = {
  hosting: 'a hosting (data centre) network',
  residential: 'a residential network',
  mobile: 'a mobile network',
  education: 'an education network',
  'cdn-proxy-vpn': 'a CDN, proxy or VPN network',
  tor: 'a Tor exit',
  unknown: 'a network of unknown type',
};

function span(ms: number): string {
  if (ms < HOUR) return count(Math.max(1, Math.round(ms / 60_000)), 'minute');
  if (ms < 48 * HOUR) return count(Math.round(ms / HOUR), 'hour');
  return count(Math.round(ms / (24 * HOUR)), 'day');
}

export function analysisFor(r: ActorReport, activity: Activity, near: Neighbours, labelTitle: (id: string) => string): string[] {
  const out: string[] = [];
  const what = r.key.includes('/') ? `The network ${r.key}` : r.key;
  const ms = r.lastSeen - r.firstSeen;
  const when = ms < 60_000
    ? `within a minute on ${day(r.firstSeen)}`
    : day(r.firstSeen) === day(r.lastSeen)
      ? `over ${span(ms)} on ${day(r.firstSeen)}`
      : `over ${span(ms)}, from ${day(r.firstSeen)} to ${day(r.lastSeen)}${activity.days.length > 1 ? `, on ${count(activity.days.length, 'separate day')}` : ''}`;
  out.push(`${what} sent ${count(r.requests, 'request')} to this site ${when}.`);
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
    // old requests are pruned (their per-day counts stay): then the shares are of those still on record
    const of = total < r.requests ? `Of the ${count(total, 'request')} still on record, ` : '';
    const redirected = activity.statusClasses.filter((c) => c.cls === 3).reduce((n, c) => n + c.requests, 0);
    const parts = [`${pct(errors)}% ${of ? 'were' : 'of its requests were'} answered with a client error such as 404 or 403 (4xx)`];
    if (ok > 0) parts.push(`${pct(ok)}% were answered normally (2xx)`);
    if (redirected > 0) parts.push(`${pct(redirected)}% were redirected (3xx)`);
    const joined = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
    out.push(`${of}${joined}${ok > 0 ? '' : '; none was answered normally (2xx)'}.`);
  }
  const busiest = activity.hours.reduce((best, n, h) => (n > activity.hours[best]! ? h : best), 0);
  if (total >= 10 && activity.hours[busiest]! / total >= 0.5) {
    out.push(`Most of its requests (${activity.hours[busiest]} of ${total}) came between ${String(busiest).padStart(2, '0')}:00 and ${String(busiest).padStart(2, '0')}:59 UTC.`);
  }
  if (r.asn !== null) {
    const type = NETWORK_PHRASE[r.networkType] ?? NETWORK_PHRASE.unknown!;
    out.push(`The ${r.key.includes('/') ? 'network' : 'address'} is announced by AS${r.asn}${r.org ? ` (${r.org})` : ''}, ${type}${r.countryName ? `, and located in ${r.countryName}` : ''}.`);
  }
  if (r.scanner) out.push(`It belongs to the research scanner ${r.scanner}.`);
  if (r.sharedReason) out.push(`It is probably shared by many people (${r.sharedReason}): a block would affect all of them.`);
  if (near.samePrefixTotal > 0) out.push(`${count(near.samePrefixTotal, 'other published address', 'other published addresses')} ${near.samePrefixTotal === 1 ? 'shares' : 'share'} its ${near.prefix} block.`);
  const answered = r.dnsbl.filter((d) => d.status === 'listed' || d.status === 'not_listed');
  const listed = answered.filter((d) => d.status === 'listed');
  if (answered.length > 0) {
    out.push(`${listed.length} of ${count(answered.length, 'DNS blocklist')} that answered list${listed.length === 1 ? 's' : ''} it${listed.some((d) => !d.abuse) ? ', some for policy reasons rather than abuse' : ''}.`);
  }
  return out;
}
