import { canonicalIp } from '../core/ip.ts';
import type { RdapBootstrap } from './bootstrap.ts';
import { parseIpNetwork, type RdapNetwork } from './parse-rdap.ts';

export type RdapOutcome =
  | { ok: true; network: RdapNetwork; server: string }
  | { ok: false; error: string; server: string | null };

export interface RdapLookupOptions {
  bootstrap: RdapBootstrap;
  /** Deadline for the whole lookup, redirects included. */
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

const MAX_REDIRECTS = 3;
const MAX_BODY = 1024 * 1024;

/** The body as text, refusing more than `max` bytes (a registry answer is a few kB). */
async function boundedText(res: Response, max: number): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max) return null;
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) { await reader.cancel(); return null; }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The registry network holding an address, with its abuse mailbox. Asks the registry the
 * bootstrap names; follows a redirect only to another server the bootstrap names. Never throws:
 * every failure is an outcome with a reason.
 */
export async function lookupIpNetwork(ip: string, opts: RdapLookupOptions): Promise<RdapOutcome> {
  const canonical = canonicalIp(ip);
  const first = canonical ? opts.bootstrap.serverFor(canonical) : null;
  if (!canonical || !first) return { ok: false, error: 'not an address', server: null };
  const doFetch = opts.fetch ?? globalThis.fetch;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url = new URL(`ip/${canonical}`, first);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await doFetch(url, { redirect: 'manual', signal, headers: { accept: 'application/rdap+json, application/json' } });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        await res.body?.cancel();
        if (!location) return { ok: false, error: `redirect without a location from ${url.host}`, server: url.host };
        const next = new URL(location.slice(0, 2000), url);
        if (!opts.bootstrap.allowedOrigins.has(next.origin)) {
          return { ok: false, error: `redirect to ${next.host.slice(0, 100)}, which is not a registry RDAP server`, server: url.host };
        }
        url = next;
        continue;
      }
      if (res.status === 404) { await res.body?.cancel(); return { ok: false, error: `${url.host} has no network for ${canonical}`, server: url.host }; }
      if (res.status === 429) { await res.body?.cancel(); return { ok: false, error: `${url.host} is rate limiting (HTTP 429)`, server: url.host }; }
      if (res.status !== 200) { await res.body?.cancel(); return { ok: false, error: `${url.host} answered HTTP ${res.status}`, server: url.host }; }
      const body = await boundedText(res, MAX_BODY);
      if (body === null) return { ok: false, error: `${url.host} sent more than ${MAX_BODY} bytes`, server: url.host };
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return { ok: false, error: `${url.host} sent something that is not JSON`, server: url.host };
      }
      const network = parseIpNetwork(json, canonical);
      if (!network) return { ok: false, error: `${url.host} sent an answer without a network`, server: url.host };
      return { ok: true, network, server: url.host };
    }
    return { ok: false, error: `more than ${MAX_REDIRECTS} redirects`, server: url.host };
  } catch (e) {
    const err = e as Error;
    const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${opts.timeoutMs} ms` : `request failed: ${String(err.message).slice(0, 200)}`;
    return { ok: false, error: why, server: url.host };
  }
}
