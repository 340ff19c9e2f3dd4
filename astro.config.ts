import { defineConfig } from 'astro/config';
import sitemap from '@astrojs/sitemap';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { adoptRenderedPages, isPrimary } from './src/site/render-share.ts';
import { sitemapCollation } from './src/site/sitemap-collation.ts';
import { sitemapEntryLimit, sitemapFilter, sitemapPageUrls } from './src/site/sitemap-options.ts';

// The site is rendered from the snapshot named by PILLORY_SNAPSHOT (see src/lib/snapshot.ts), by one
// or more builds that each render a share of it (see src/site/build-site.ts). Only the primary build
// writes the sitemap, from the snapshot's list of every indexable report, country and network page,
// so it is whole however little this build rendered.
const site = process.env.PILLORY_SITE_URL || 'https://pillory.example.org';
const primary = isPrimary();
const tracked = primary ? sitemapPageUrls(new URL(site)) : [];
const [collationOn, collationOff] = sitemapCollation();
// A render worker moves its tracked pages to the build's output folder as soon as Astro has written
// them, before Astro walks its own folder (src/site/site-output.ts).
const handOver: AstroIntegration = {
  name: 'pillory-hand-over',
  hooks: { 'astro:build:generated': ({ dir }) => { if (process.env.PILLORY_OUT) adoptRenderedPages(fileURLToPath(dir)); } },
};

export default defineConfig({
  site,
  output: 'static',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // stylesheets as files so the CSP needs no 'unsafe-inline'
    inlineStylesheets: 'never',
    // one route at a time: report pages come in batches that write their files off this thread
    // (src/site/site-output.ts), and more routes in flight only hold more pages in memory
    concurrency: 1,
  },
  devToolbar: { enabled: false },
  integrations: primary
    ? [
        handOver,
        collationOn,
        sitemap({
          customPages: tracked,
          // noindex pages (404, search, expired reports) stay out; files of at most 10,000 URLs (the limit is 50,000)
          filter: sitemapFilter(tracked),
          entryLimit: sitemapEntryLimit(),
        }),
        collationOff,
      ]
    : [handOver],
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
