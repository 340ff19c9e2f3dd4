import { defineConfig } from 'astro/config';
import sitemap from '@astrojs/sitemap';
import { sitemapFilter } from './src/site/sitemap-filter.ts';

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
      // noindex pages (404, search, aged-out reports) stay out; report pages are split into files of
      // 10,000 URLs (the limit is 50,000)
      filter: sitemapFilter(),
      entryLimit: 10_000,
    }),
  ],
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
