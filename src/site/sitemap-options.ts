// What goes into the sitemap and how it is split. Pages that ask not to be indexed (the 404 and
// search pages, expired reports) stay out; files hold at most SITEMAP_ENTRY_LIMIT URLs, well under the
// protocol's 50,000. PILLORY_SITEMAP_ENTRY_LIMIT lowers it so a test can see the split on a small site.
import { SnapshotReader } from '../lib/snapshot.ts';
import { paths } from './format.ts';

export const SITEMAP_ENTRY_LIMIT = 10_000;
const NOINDEX_PAGES = /\/(404|search)\/?$/;

export function sitemapEntryLimit(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.PILLORY_SITEMAP_ENTRY_LIMIT);
  return Number.isInteger(n) && n > 0 && n <= SITEMAP_ENTRY_LIMIT ? n : SITEMAP_ENTRY_LIMIT;
}

/**
 * The sitemap filter: true for pages to list. The expired report paths are read once from the
 * snapshot named by PILLORY_SNAPSHOT (set by buildSite for the duration of the build).
 */
export function sitemapFilter(snapshotFile: () => string | undefined = () => process.env.PILLORY_SNAPSHOT): (page: string) => boolean {
  let expired: Set<string> | null = null;
  return (page) => {
    if (NOINDEX_PAGES.test(page)) return false;
    if (!expired) {
      const file = snapshotFile();
      expired = new Set();
      if (file) {
        const reader = new SnapshotReader(file);
        try {
          for (const a of reader.expired()) expired.add(paths.ip(a.slug));
        } finally {
          reader.close();
        }
      }
    }
    return !expired.has(new URL(page).pathname);
  };
}
