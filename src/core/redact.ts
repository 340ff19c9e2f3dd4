// What we publish of a request target: the path with every query value replaced, and anything that
// looks like the operator's host, an e-mail address or a token removed. The raw target stays in the
// snapshot for re-detection only.

export interface RedactOptions {
  /** The operator's host names (lower case), removed wherever they appear. */
  hosts: readonly string[];
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
// long opaque runs: API keys, session ids, JWT-like strings, hex digests
const TOKEN = /\b(?:eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]+)?|[A-Fa-f0-9]{32,}|[A-Za-z0-9_-]{40,})\b/g;

export const REDACTED = '[redacted]';
const MAX_PUBLISHED = 512;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the operator's hosts, e-mail addresses and tokens from any published string. */
export function redactText(s: string, opts: RedactOptions): string {
  let out = s.replace(EMAIL, REDACTED).replace(TOKEN, REDACTED);
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
