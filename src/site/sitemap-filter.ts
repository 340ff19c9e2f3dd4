// Which built pages go into the sitemap: none of the noindex ones — the 404 and search pages, and
// report pages of actors that aged out (their page stays up during the grace period, noindex).
import { PilloryError } from '../core/errors.ts';
import { SnapshotReader } from '../lib/snapshot.ts';
import { paths } from './format.ts';

const NOINDEX_PAGES = /\/(404|search)\/?$/;

export function sitemapFilter(expiredPaths: () => ReadonlySet<string> = expiredReportPaths): (page: string) => boolean {
  let expired: ReadonlySet<string> | null = null;
  return (page) => {
    const path = new URL(page, 'https://site.invalid/').pathname;
    if (NOINDEX_PAGES.test(path)) return false;
    expired ??= expiredPaths();
    return !expired.has(path);
  };
}

/** Read once per build from the snapshot being built (not the page renderer's shared reader, which a config module could outlive). */
function expiredReportPaths(): ReadonlySet<string> {
  const file = process.env.PILLORY_SNAPSHOT;
  if (!file) throw new PilloryError('SNAPSHOT_PATH', 'PILLORY_SNAPSHOT is not set: the sitemap needs the snapshot to leave aged-out reports out');
  const reader = new SnapshotReader(file);
  try {
    return new Set(reader.expired().map((a) => paths.ip(a.slug)));
  } finally {
    reader.close();
  }
}
