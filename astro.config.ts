import { defineConfig } from 'astro/config';
import sitemap from '@astrojs/sitemap';
import { sitemapEntryLimit, sitemapFilter } from './src/site/sitemap-options.ts';

// The site is rendered once from the snapshot named by PILLORY_SNAPSHOT (see src/lib/snapshot.ts).
export default defineConfig({
  site: process.env.PILLORY_SITE_URL || 'https://pillory.example.org',
  output: 'static',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // stylesheets as files so the CSP needs no 'unsafe-inline'
    inlineStylesheets: 'never',
  },
  devToolbar: { enabled: false },
  integrations: [
    sitemap({
      // noindex pages (404, search, expired reports) stay out; files of at most 10,000 URLs (the limit is 50,000)
      filter: sitemapFilter(),
      entryLimit: sitemapEntryLimit(),
    }),
  ],
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
