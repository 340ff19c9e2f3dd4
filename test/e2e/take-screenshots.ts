// Writes docs/screenshots/*.png: the home page and one report page at phone and desktop widths.
// Usage: npx tsx test/e2e/take-screenshots.ts <dist-dir> <report-slug>
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.ts';
import { serveStatic } from './static-server.ts';

const [dist = 'dist', slug = ''] = process.argv.slice(2);
const out = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const server = await serveStatic(dist);
try {
  for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]] as const) {
    for (const [page, url] of [['home', '/'], ['report', `/ip/${slug}/`]] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        if (scheme === 'dark' && name === 'phone' && page === 'home') continue;
        const b = await launchChromium({ width, height });
        const p = await b.context.newPage();
        await p.emulateMedia({ colorScheme: scheme });
        await p.goto(server.url + url);
        await p.screenshot({ path: path.join(out, `${page}-${name}${scheme === 'dark' ? '-dark' : ''}.png`), fullPage: page === 'home' || name === 'desktop' });
        await b.close();
      }
    }
  }
} finally {
  await server.close();
}
