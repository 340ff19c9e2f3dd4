// The site's absolute base URL (Astro.site), with the same fallback everywhere.
export const FALLBACK_SITE = 'https://pillory.example.org';

export function siteUrl(site: URL | undefined): URL {
  return site ?? new URL(FALLBACK_SITE);
}

/** Absolute URL of a site-relative path. */
export function absolute(path: string, site: URL | undefined): string {
  return new URL(path, siteUrl(site)).href;
}
