// One Content-Security-Policy for the <meta> tag and public/_headers (a test keeps them equal).
// No inline script, no inline style (stylesheets are emitted as files), nothing from other origins.
// connect-src: the search box fetches its IPv6 shard; form-action: the search form's /search/ fallback.
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'";
