// What we publish of a request target: the path with every query value replaced, and anything that
// looks like the operator's host, an e-mail address or a token removed. The raw target stays in the
// snapshot for re-detection only.

export interface RedactOptions {
  /** The operator's host names (lower case), removed wherever they appear. */
  hosts: readonly string[];
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
// long opaque runs: JWT-like strings, hex digests and UUIDs (bounded by anything that is not a letter
// or digit, so "tok_<hex>" is caught too), and any run of 40+ key characters
const TOKEN = /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]+)?|(?<![A-Za-z0-9])[A-Fa-f0-9]{32,}(?![A-Za-z0-9])|(?<![A-Za-z0-9])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9])|[A-Za-z0-9_-]{40,}/gi;
// generated keys that are shorter ("tok_" + 32 hex is 36 characters; Stripe's sk_live_… is 32): a run
// of 24+ letters, digits and underscores that mixes at least three of each. Checked in a callback so
// the regex stays linear; word-and-hyphen slugs ("ec2-reserved-vs-ondemand") never qualify.
const KEY_RUN = /[A-Za-z0-9_]{24,}/g;

function looksGenerated(run: string): boolean {
  let digits = 0;
  let letters = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
  }
  return digits >= 3 && letters >= 3;
}

export const REDACTED = '[redacted]';
const MAX_PUBLISHED = 512;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the operator's hosts, e-mail addresses and tokens from any published string. */
export function redactText(s: string, opts: RedactOptions): string {
  let out = s.replace(EMAIL, REDACTED).replace(TOKEN, REDACTED).replace(KEY_RUN, (run) => (looksGenerated(run) ? REDACTED : run));
  for (const h of opts.hosts) {
    if (h) out = out.replace(new RegExp(escapeRegExp(h), 'gi'), REDACTED);
  }
  return out;
}

/**
 * Path of a request target with query values replaced: `/a?x=1&y=2` → `/a?x=…&y=…`.
 * Keys stay (they say what was probed); values go (they may hold the operator's tokens).
 * Absolute-form targets (`http://host/path`) lose their host.
 */
export function redactTarget(target: string, opts: RedactOptions): string {
  let t = target.length > MAX_PUBLISHED * 4 ? target.slice(0, MAX_PUBLISHED * 4) : target;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (abs) t = t.slice(abs[0].length) || '/';
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  let out: string;
  if (q < 0) {
    out = t;
  } else {
    const keys = t
      .slice(q + 1)
      .split('&')
      .filter((kv) => kv !== '')
      .map((kv) => {
        const eq = kv.indexOf('=');
        return eq < 0 ? '…' : `${kv.slice(0, Math.min(eq, 64))}=…`;
      });
    out = `${t.slice(0, q)}?${keys.join('&')}`;
  }
  out = redactText(out, opts);
  return out.length > MAX_PUBLISHED ? `${out.slice(0, MAX_PUBLISHED)}…` : out;
}
