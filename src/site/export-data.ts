// Assembles the input of every export for one scope (all, a country, an ASN) from the reader's cached
// lists. Runs once per exported file; the lists are built once per build.
import type { ActorSummary, SnapshotReader } from '../lib/snapshot.ts';
import type { ExportEntry, ExportInput } from './blocklist-formats.ts';
import { paths } from './format.ts';

export type ExportScope = { kind: 'all' } | { kind: 'country'; code: string } | { kind: 'asn'; asn: number };

export function scopeMatches(scope: ExportScope, a: ActorSummary): boolean {
  if (scope.kind === 'country') return a.country === scope.code;
  if (scope.kind === 'asn') return a.asn === scope.asn;
  return true;
}

export function exportInput(reader: SnapshotReader, scope: ExportScope, site: URL): ExportInput {
  const meta = reader.meta();
  const reasons = reader.reasons();
  const entry = (a: ActorSummary): ExportEntry => ({
    actor: a,
    reasons: reasons.get(a.key) ?? { rules: [], labels: [] },
    url: new URL(paths.ip(a.slug), site).href,
  });
  const inScope = (a: ActorSummary) => scopeMatches(scope, a);
  const removed = reader.removed();
  const blocked = new Set(reader.blocklisted().map((a) => a.key));
  return {
    // research scanners are published (labelled) but stay out of the blocklists unless configured;
    // expired actors are in no blocklist
    entries: reader.blocklisted().filter(inScope).map(entry),
    added: reader.added().filter((a) => inScope(a) && blocked.has(a.key)).map(entry),
    // a removed actor has no summary any more; only the all-scope list can carry it truthfully
    removed: removed === null ? null : scope.kind === 'all' ? removed : null,
    header: {
      siteName: meta.siteName,
      scope: scope.kind === 'all' ? 'all published addresses' : scope.kind === 'country' ? `country ${scope.code}` : `AS${scope.asn}`,
      id: scope.kind === 'all' ? 'all' : scope.kind === 'country' ? `cc-${scope.code.toLowerCase()}` : `as${scope.asn}`,
      generatedAt: meta.generatedAt,
      licence: meta.licence,
      source: site.href,
    },
  };
}
