import type { APIRoute } from 'astro';
import { snapshot } from '../lib/snapshot.ts';
import { atomFeed } from '../site/atom-feed.ts';
import { paths } from '../site/format.ts';
import { labelTitle } from '../site/labels.ts';
import { absolute } from '../site/site-url.ts';

const FEED_SIZE = 50;

export const GET: APIRoute = ({ site }) => {
  const reader = snapshot();
  const meta = reader.meta();
  const reasons = reader.reasons();
  const newest = [...reader.published()]
    .sort((a, b) => (b.firstPublished ?? b.firstSeen) - (a.firstPublished ?? a.firstSeen) || a.key.localeCompare(b.key))
    .slice(0, FEED_SIZE);
  const body = atomFeed({
    siteName: meta.siteName,
    siteUrl: absolute('/', site),
    feedUrl: absolute('/feed.xml', site),
    updated: meta.generatedAt,
    licence: meta.licence,
    entries: newest.map((a) => ({ actor: a, url: absolute(paths.ip(a.slug), site), labels: (reasons.get(a.key)?.labels ?? []).map(labelTitle) })),
  });
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
};
