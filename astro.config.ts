import { defineConfig } from 'astro/config';
import sitemap from '@astrojs/sitemap';
import { isPrimary, TRACKED_PAGE } from './src/site/render-share.ts';
import { sitemapCollation } from './src/site/sitemap-collation.ts';
import { sitemapPageUrls } from './src/site/sitemap-urls.ts';

// The site is rendered from the snapshot named by PILLORY_SNAPSHOT (see src/lib/snapshot.ts), by one
// or more builds that each render a share of it (see src/site/build-site.ts). Only the primary build
// writes the sitemap, from the snapshot's list of every indexable report, country and network page,
// so it is whole however little this build rendered.
const site = process.env.PILLORY_SITE_URL || 'https://pillory.example.org';
const primary = isPrimary();
const tracked = primary ? sitemapPageUrls(new URL(site)) : [];
const indexable = new Set(tracked);
const [collationOn, collationOff] = sitemapCollation();

export default defineConfig({
  site,
  output: 'static',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // stylesheets as files so the CSP needs no 'unsafe-inline'
    inlineStylesheets: 'never',
  },
  devToolbar: { enabled: false },
  integrations: primary
    ? [
        collationOn,
        sitemap({
          customPages: tracked,
          // tracked pages come from the snapshot's list (noindex ones are not on it); of the rest, the
          // 404 and search pages stay out
          filter: (page) => {
            const p = new URL(page).pathname;
            return TRACKED_PAGE.test(p) ? indexable.has(page) : !/^\/(?:404|search)\/?$/.test(p);
          },
          // report pages are split into files of 10,000 URLs (the limit is 50,000)
          entryLimit: 10_000,
        }),
        collationOff,
      ]
    : [],
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
