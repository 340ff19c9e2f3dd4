// What goes into the sitemap and how it is split. The tracked pages (reports, country and network
// pages) come from the snapshot, not from what one build rendered, so an incremental or split build
// still writes the whole sitemap; expired reports are not on that list (they ask not to be indexed).
// Of the other pages, the 404 and search pages stay out. Files hold at most SITEMAP_ENTRY_LIMIT URLs,
// well under the protocol's 50,000; PILLORY_SITEMAP_ENTRY_LIMIT lowers it so a test can see the split.
import { snapshot } from '../lib/snapshot.ts';
import { paths } from './format.ts';
import { REPORT_BATCH_PAGE, TRACKED_PAGE } from './render-share.ts';

export const SITEMAP_ENTRY_LIMIT = 10_000;
const NOINDEX_PAGES = /^\/(?:404|search)\/?$/;

export function sitemapEntryLimit(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.PILLORY_SITEMAP_ENTRY_LIMIT);
  return Number.isInteger(n) && n > 0 && n <= SITEMAP_ENTRY_LIMIT ? n : SITEMAP_ENTRY_LIMIT;
}

/** Absolute URLs of every indexable tracked page: published reports, and the country and network pages. */
export function sitemapPageUrls(site: URL): string[] {
  if (!process.env.PILLORY_SNAPSHOT) return []; // `astro check` and the like load the config without one
  const reader = snapshot();
  const url = (p: string) => new URL(p, site).href;
  return [
    ...reader.published().map((a) => url(paths.ip(a.slug))),
    ...reader.countries().map((c) => url(paths.country(c.code))),
    ...reader.asns().map((g) => url(paths.asn(g.asn))),
  ];
}

/** The sitemap filter: a tracked page is listed when it is on the snapshot's list; others unless noindex. */
export function sitemapFilter(tracked: readonly string[]): (page: string) => boolean {
  const indexable = new Set(tracked);
  return (page) => {
    const p = new URL(page).pathname;
    return TRACKED_PAGE.test(p) ? indexable.has(page) : !NOINDEX_PAGES.test(p) && !REPORT_BATCH_PAGE.test(p);
  };
}
