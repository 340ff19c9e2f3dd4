// The site's data files — the JSON twin of each report, the blocklist exports (all, per country, per
// network) and the search box's IPv6 index — written straight from the snapshot reader and the pure
// formatters, beside the pages Astro renders (a report page makes its own twin from the input it is
// rendered from). They are plain data, so they skip Astro's per-route request/response machinery,
// which would cost more than the files themselves.
import type { SnapshotReader } from '../lib/snapshot.ts';
import { EXPORT_FILES, renderExport } from './blocklist-formats.ts';
import { exportInput, type ExportScope } from './export-data.ts';
import type { ReportPageInput } from './page-inputs.ts';
import { reportDocument } from './report-json.ts';
import { safeJson } from './safe-json.ts';
import { v6Shards } from './search-shards.ts';

export interface DataFile {
  /** Relative to the site root, with forward slashes. */
  path: string;
  body: string;
}

/** The JSON twin (ip/<slug>.json) of a report, made by the report page from the same input. */
export function reportJsonFile(input: Pick<ReportPageInput, 'report' | 'meta' | 'agesOut'>, url: string): DataFile {
  const doc = reportDocument(input.report, input.meta, url, input.agesOut);
  return { path: `ip/${input.report.slug}.json`, body: `${safeJson(doc, 1)}\n` };
}

/** The export files of one scope, under blocklist/ (all), blocklist/country/<cc>/ or blocklist/asn/<n>/. */
export function* exportDataFiles(reader: SnapshotReader, scope: ExportScope, site: URL): Generator<DataFile> {
  const dir = scope.kind === 'all' ? 'blocklist/' : scope.kind === 'country' ? `blocklist/country/${scope.code.toLowerCase()}/` : `blocklist/asn/${scope.asn}/`;
  const input = exportInput(reader, scope, site);
  // one at a time: the site-wide files of a big site are tens of MB each, made as the writer takes them
  for (const file of EXPORT_FILES) yield { path: `${dir}${file}`, body: renderExport(file, input, (v) => safeJson(v, 1)) };
}

/** search/v6/<first 32 bits>.json: the published IPv6 keys of each /32. */
export function* searchIndexFiles(reader: SnapshotReader): Generator<DataFile> {
  // expired IPv6 pages are found too: they still answer for the address
  for (const [shard, keys] of v6Shards(reader.pages())) yield { path: `search/v6/${shard}.json`, body: JSON.stringify(keys) };
}
