// The sitemap's list of tracked pages (reports, country and network pages), from the snapshot rather
// than from what one build rendered: an incremental or split build still writes the whole sitemap.
import { snapshot } from '../lib/snapshot.ts';
import { paths } from './format.ts';

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
