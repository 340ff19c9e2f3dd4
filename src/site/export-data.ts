// Assembles the input of every export for one scope (all, a country, an ASN) from the reader's cached
// lists. Thirteen files share one scope, so the input is built once per scope and reused.
import type { ActorSummary, SnapshotReader } from '../lib/snapshot.ts';
import type { ExportEntry, ExportInput } from './blocklist-formats.ts';
import { paths } from './format.ts';

export type ExportScope = { kind: 'all' } | { kind: 'country'; code: string } | { kind: 'asn'; asn: number };

export function scopeMatches(scope: ExportScope, a: Pick<ActorSummary, 'country' | 'asn'>): boolean {
  if (scope.kind === 'country') return a.country === scope.code;
  if (scope.kind === 'asn') return a.asn === scope.asn;
  return true;
}

const scopeKey = (s: ExportScope) => (s.kind === 'all' ? 'all' : s.kind === 'country' ? `cc-${s.code.toLowerCase()}` : `as${s.asn}`);
const cache = new WeakMap<SnapshotReader, Map<string, ExportInput>>();

export function exportInput(reader: SnapshotReader, scope: ExportScope, site: URL): ExportInput {
  const perReader = cache.get(reader) ?? new Map<string, ExportInput>();
  cache.set(reader, perReader);
  const key = `${scopeKey(scope)} ${site.href}`;
  const hit = perReader.get(key);
  if (hit) return hit;
  const meta = reader.meta();
  const reasons = reader.reasons();
  const entry = (a: ActorSummary): ExportEntry => ({
    actor: a,
    reasons: reasons.get(a.key) ?? { rules: [], labels: [] },
    url: new URL(paths.ip(a.slug), site).href,
  });
  // research scanners are published but stay out of the blocklists unless the operator opts in
  const members = (scope.kind === 'all' ? reader.published() : scope.kind === 'country' ? reader.byCountry(scope.code) : reader.byAsn(scope.asn))
    .filter((a) => a.inBlocklist);
  const inList = new Set(members.map((a) => a.key));
  const removed = reader.removed();
  const gone = removed === null ? [] : removed.filter((r) => scopeMatches(scope, r));
  // the list's own time: its newest publication, request or removal (not the build's), so an
  // unchanged list is the same file tomorrow; an empty list takes the snapshot's time
  // a loop, not Math.max(...list): spreading the site-wide list overflows the stack past ~125,000 entries
  let changed = -Infinity;
  for (const a of members) changed = Math.max(changed, a.lastSeen, a.firstPublished ?? 0);
  for (const r of gone) changed = Math.max(changed, r.at);
  const input: ExportInput = {
    entries: members.map(entry),
    added: reader.added().filter((a) => inList.has(a.key)).map(entry),
    removed: removed === null ? null : gone.map((r) => ({ key: r.key, reason: r.reason })),
    header: {
      siteName: meta.siteName,
      scope: scope.kind === 'all' ? 'all published addresses' : scope.kind === 'country' ? `country ${scope.code}` : `AS${scope.asn}`,
      id: scopeKey(scope),
      updatedAt: Number.isFinite(changed) && changed > 0 ? changed : meta.asOf,
      licence: meta.licence,
      source: site.href,
    },
  };
  perReader.set(key, input);
  return input;
}
