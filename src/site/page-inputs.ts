// Everything a tracked page (a report, a country page, a network page) is rendered from, gathered in
// one place. The page routes render from these objects and nothing else, so buildSite() can tell
// whether a page would change by hashing its input: same input, same code, same bytes.
import { createHash } from 'node:crypto';
import type { SnapshotReader } from '../lib/snapshot.ts';
import { pageMetaOf, type ActorReport, type ActorSummary, type Activity, type NetworkAbuseContact, type Neighbours, type PageMeta } from '../lib/snapshot-types.ts';
import { agesOutAt } from './expiry.ts';
import { EXPORT_FILES } from './blocklist-formats.ts';
import { exportInput } from './export-data.ts';

/** The page kinds rendered one by one (the rest of the site is small and rendered whole every time). */
export const TRACKED_KINDS = ['report', 'country', 'asn', 'country-exports', 'asn-exports'] as const;
export type TrackedKind = (typeof TRACKED_KINDS)[number];

export interface ReportPageInput {
  report: ActorReport;
  activity: Activity;
  neighbours: Neighbours;
  meta: PageMeta;
  agesOut: number | null;
}

export interface GroupPageInput {
  meta: PageMeta;
  actors: ActorSummary[];
}

export interface AsnPageInput extends GroupPageInput {
  /** The network's abuse mailboxes, from its published actors' RDAP contacts. */
  contacts: NetworkAbuseContact[];
}

export function reportPageInput(reader: SnapshotReader, slug: string): ReportPageInput | null {
  const page = reader.reportPage(slug);
  if (!page) return null;
  const { report, activity } = page;
  const meta = pageMetaOf(reader.meta());
  return { report, activity, neighbours: reader.neighbours(report), meta, agesOut: agesOutAt(report, meta) };
}

/** The inputs of several report pages (slugs of actors with a page), read from the snapshot together, in that order. */
export function reportPageInputs(reader: SnapshotReader, slugs: readonly string[]): ReportPageInput[] {
  const meta = pageMetaOf(reader.meta());
  const keys = slugs.map((s) => reader.pageSummary(s)?.key).filter((k): k is string => k !== undefined);
  return [...reader.reports(keys)].map(({ report, activity }) => ({ report, activity, neighbours: reader.neighbours(report), meta, agesOut: agesOutAt(report, meta) }));
}

export function countryPageInput(reader: SnapshotReader, code: string): GroupPageInput {
  return { meta: pageMetaOf(reader.meta()), actors: reader.byCountry(code) };
}

export function asnPageInput(reader: SnapshotReader, asn: number): AsnPageInput {
  return { meta: pageMetaOf(reader.meta()), actors: reader.byAsn(asn), contacts: reader.abuseContacts(asn) };
}

/** A tracked page (or group of export files) and the files it writes, relative to the site root. */
export interface TrackedRoute {
  kind: TrackedKind;
  /** The slug, lower-case country code or AS number that selects it in a render plan. */
  key: string;
  /** Site-relative URL of the page (for export groups, of their folder). */
  path: string;
  files: string[];
  /** Hash of the input; equal hashes (with equal code) mean equal files. */
  digest: string;
  /** Listed in the sitemap (noindex pages and export files are not). */
  indexable: boolean;
}

export function digestOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url');
}

export const routeId = (r: Pick<TrackedRoute, 'kind' | 'key'>): string => `${r.kind} ${r.key}`;

const exportFiles = (dir: string) => EXPORT_FILES.map((f) => `${dir}${f}`);

/** Every n-th item, starting at the i-th: one worker's share of a list. */
function shareOf<T>(list: readonly T[], s: { worker: number; workers: number }): T[] {
  return s.workers <= 1 ? [...list] : list.filter((_, i) => i % s.workers === s.worker);
}

/**
 * The tracked routes of the snapshot (or of one worker's share of it) with their files and input
 * digests, in a stable order.
 */
export function* trackedRoutes(reader: SnapshotReader, site: URL, share = { worker: 0, workers: 1 }): Generator<TrackedRoute> {
  // A report page is made from its actor's rows (report() and activity()), what it takes from other
  // actors (neighbours, whether its group pages exist) and the site meta; hashing those is the same as
  // hashing the page input, at a fraction of the cost. The rows stand in by the token the snapshot
  // moves whenever one of them changes (page-revision.ts), so unchanged actors cost no reading; an
  // actor without a token (an older snapshot) has its rows hashed. Expired actors keep their (noindex) page.
  const meta = digestOf(pageMetaOf(reader.meta()));
  const revs = reader.pageRevisions();
  const mine = shareOf(reader.pages(), share);
  const hashed = new Map(reader.rowDigests(mine.filter((a) => !revs.has(a.key)).map((a) => a.key)));
  for (const a of mine) {
    const rev = revs.get(a.key);
    const rows = rev === undefined ? hashed.get(a.key) : `rev ${rev}`;
    if (rows === undefined) continue; // gone from the actors table under our feet: no page to make
    const slug = a.slug;
    yield {
      kind: 'report', key: slug, path: `/ip/${slug}/`, files: [`ip/${slug}/index.html`, `ip/${slug}.json`],
      digest: digestOf([rows, reader.neighbours(a), reader.contextOf(a), meta]), indexable: a.status === 'published',
    };
  }
  for (const c of shareOf(reader.countries(), share)) {
    const cc = c.code.toLowerCase();
    yield { kind: 'country', key: cc, path: `/country/${cc}/`, files: [`country/${cc}/index.html`], digest: digestOf([c, countryPageInput(reader, c.code)]), indexable: true };
  }
  for (const g of shareOf(reader.asns(), share)) {
    yield { kind: 'asn', key: String(g.asn), path: `/asn/${g.asn}/`, files: [`asn/${g.asn}/index.html`], digest: digestOf([g, asnPageInput(reader, g.asn)]), indexable: true };
  }
  // exports exist also for a group an entry left tonight (it lists the removal), so they have their own list
  const groups = reader.exportGroups();
  for (const code of shareOf(groups.countries, share)) {
    const dir = `blocklist/country/${code.toLowerCase()}/`;
    yield { kind: 'country-exports', key: code.toLowerCase(), path: `/${dir}`, files: exportFiles(dir), digest: digestOf(exportInput(reader, { kind: 'country', code }, site)), indexable: false };
  }
  for (const asn of shareOf(groups.asns, share)) {
    const dir = `blocklist/asn/${asn}/`;
    yield { kind: 'asn-exports', key: String(asn), path: `/${dir}`, files: exportFiles(dir), digest: digestOf(exportInput(reader, { kind: 'asn', asn }, site)), indexable: false };
  }
}
