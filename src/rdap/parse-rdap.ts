import { canonicalIp, ipFamily } from '../core/ip.ts';
import { ipToBigInt } from './ip-number.ts';

// RDAP (RFC 9083) "ip network" answers, read defensively: registries nest the abuse contact at
// different depths (RIPE at the top, ARIN inside the organisation entity), and every field may be
// missing or malformed. Nothing here trusts a value it did not check.

export interface RdapNetwork {
  start: string;
  end: string;
  handle: string | null;
  name: string | null;
  /** The abuse mailbox, lower case, or null when the registry names none. */
  email: string | null;
}

const MAX_DEPTH = 4;
const MAX_ENTITIES = 200;
// the address becomes a mailto: link: a plain address and nothing else
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/;

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function text(v: unknown, max = 200): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return s ? s.slice(0, max) : null;
}

/** A plain e-mail address, lower case, or null. */
export function plainEmail(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim().replace(/^mailto:/i, '') : '';
  return s.length <= 254 && EMAIL.test(s) ? s.toLowerCase() : null;
}

/** The e-mail addresses of a jCard (RFC 7095): ["vcard", [["email", {}, "text", "a@b"], …]]. */
function vcardEmails(vcard: unknown): string[] {
  if (!Array.isArray(vcard) || !Array.isArray(vcard[1])) return [];
  const out: string[] = [];
  for (const prop of (vcard[1] as unknown[]).slice(0, 100)) {
    if (Array.isArray(prop) && prop[0] === 'email') {
      const e = plainEmail(prop[3]);
      if (e) out.push(e);
    }
  }
  return out;
}

/** The first abuse mailbox, breadth first: the contact nearest the network wins. */
export function abuseEmailOf(network: Record<string, unknown>): string | null {
  let level: unknown[] = Array.isArray(network['entities']) ? network['entities'] : [];
  let seen = 0;
  for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
    const next: unknown[] = [];
    for (const raw of level) {
      if (++seen > MAX_ENTITIES) return null;
      const e = obj(raw);
      if (!e) continue;
      const roles = Array.isArray(e['roles']) ? e['roles'] : [];
      if (roles.includes('abuse')) {
        const email = vcardEmails(e['vcardArray'])[0];
        if (email) return email;
      }
      if (Array.isArray(e['entities'])) next.push(...e['entities']);
    }
    level = next;
  }
  return null;
}

/**
 * The network an RDAP answer describes, for the address that was asked about. A range that is
 * missing, malformed or does not contain the address is narrowed to the address itself.
 */
export function parseIpNetwork(json: unknown, ip: string): RdapNetwork | null {
  const n = obj(json);
  const asked = canonicalIp(ip);
  if (!n || !asked) return null;
  let start = canonicalIp(typeof n['startAddress'] === 'string' ? n['startAddress'].slice(0, 64) : '');
  let end = canonicalIp(typeof n['endAddress'] === 'string' ? n['endAddress'].slice(0, 64) : '');
  const fam = ipFamily(asked);
  const inside = start && end && ipFamily(start) === fam && ipFamily(end) === fam
    && ipToBigInt(start) <= ipToBigInt(asked) && ipToBigInt(asked) <= ipToBigInt(end);
  if (!inside) { start = asked; end = asked; }
  return { start: start!, end: end!, handle: text(n['handle'], 100), name: text(n['name'], 100), email: abuseEmailOf(n) };
}
