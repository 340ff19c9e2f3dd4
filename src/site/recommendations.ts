// Advice that follows from what fired. Each rule family/label maps to one concrete step; the block
// lines are built from the actor key (a canonical address or network, never log text).
import type { ActorReport, Neighbours, SignatureRow } from '../lib/snapshot-types.ts';

export interface Recommendation {
  /** Why: the signatures that led to it. */
  because: string[];
  advice: string;
}

export interface BlockLines {
  nginx: string;
  nftables: string;
  ipset: string;
}

// Matched against "family label rule id", lower case; first match wins per signature.
const ADVICE: ReadonlyArray<readonly [RegExp, string]> = [
  [/webshell|backdoor/, 'Search the web root for files you did not put there (web shells are often named like the probed paths) and make upload folders non-executable.'],
  [/log4shell|log4j|jndi/, 'Update Log4j to 2.17.1 or later on every Java service and drop requests whose headers contain "${jndi:" at the edge.'],
  [/wordpress|wp-|xmlrpc/, 'If you do not run WordPress, answer /wp-* and /xmlrpc.php with 404 at the edge; if you do, restrict wp-login.php and xmlrpc.php to known addresses.'],
  [/dotfile|\benv\b|\.env|\bgit\b|secret|credential|config|backup/, 'Make sure no dotfiles (.env, .git/), backups or configuration files are served: deny paths starting with "/." and files ending in .bak, .old, .sql.'],
  [/brute|login|auth|password/, 'Rate-limit login endpoints (nginx limit_req) and enable lockout or multi-factor authentication.'],
  [/sqli|sql-injection|injection|xss|traversal|lfi|rfi|rce|command|shell|exploit|cve/, 'Patch the application targeted by these probes and put a WAF rule set (e.g. OWASP CRS) in front of it.'],
  [/admin|phpmyadmin|panel|console|manager/, 'Keep admin panels off the public internet: serve them only on a VPN or an allowlisted address.'],
  [/tls|rdp|binary|junk|malformed|protocol/, 'Non-HTTP bytes were sent to the web port: this is port scanning; a firewall drop for this address ends it.'],
  [/burst|flood|rate/, 'Rate-limit by client address (nginx limit_req_zone with a burst of a few requests) so one client cannot flood the site.'],
  [/anonymous-client|empty-user-agent|ua-empty/, 'Requests without a user agent come from scripts, not browsers: answer them with 403 on pages that need no API access.'],
  [/method|webdav|trace|connect/, 'Allow only the HTTP methods the site uses (GET, HEAD, POST) and answer others with 405.'],
  [/scanner|scan|probe|recon|enumerat|wordlist|crawl|guess|not-found|404/, 'Return 404/444 quickly for unknown paths and consider rate-limiting clients with many 404 responses.'],
  [/agent|user-agent|\bua\b|bot/, 'Block the user agents listed below at the edge if they have no business on your site.'],
];

export function recommendationsFor(signatures: readonly SignatureRow[]): Recommendation[] {
  const byAdvice = new Map<string, string[]>();
  for (const s of signatures) {
    const hay = `${s.family} ${s.label} ${s.ruleId}`.toLowerCase().slice(0, 300);
    const hit = ADVICE.find(([re]) => re.test(hay));
    const advice = hit ? hit[1] : `Review the requests listed for “${s.title}” and make sure none of them reached something it should not.`;
    const list = byAdvice.get(advice) ?? [];
    list.push(s.title);
    byAdvice.set(advice, list);
  }
  return [...byAdvice.entries()].map(([advice, because]) => ({ advice, because }));
}

/** Other published addresses in the same block before a range block is worth suggesting. */
export const RANGE_ADVICE_MIN_NEIGHBOURS = 2;

/**
 * How to block, given who else is behind the address. A shared address (carrier NAT, proxy or cloud
 * egress, many user agents) gets the softer advice — block the requests or block briefly, never the
 * range. Only an unshared hosting address with other published neighbours gets range advice.
 */
export function blockAdviceFor(r: Pick<ActorReport, 'key' | 'networkType' | 'sharedReason'>, near: Pick<Neighbours, 'prefix' | 'samePrefixTotal'>): { soft: boolean; advice: string | null } {
  if (r.sharedReason) {
    return {
      soft: true,
      advice: `This address is shared (${r.sharedReason}): other people use it too. Prefer refusing the requests listed above at the edge (deny the probed paths, rate-limit) over blocking the address; if you block it, block it for hours rather than for good, and never its whole range.`,
    };
  }
  if (r.networkType === 'hosting' && near.samePrefixTotal >= RANGE_ADVICE_MIN_NEIGHBOURS) {
    return {
      soft: false,
      advice: `${near.samePrefixTotal + 1} published addresses sit in ${near.prefix}, a hosting network: if nothing you need comes from there, blocking the whole ${near.prefix} stops the next address too.`,
    };
  }
  return { soft: false, advice: null };
}

/** Ready-to-paste blocking snippets for this actor, one per tool. */
export function blockSnippetsFor(actor: Pick<ActorReport, 'key' | 'family'>): { tool: string; code: string }[] {
  const v6 = actor.family === 6;
  const k = actor.key;
  return [
    { tool: 'nginx', code: `# in an http, server or location block\ndeny ${k};` },
    { tool: 'nftables', code: `nft add table inet pillory\nnft add set inet pillory ${v6 ? 'blocked_v6 { type ipv6_addr; flags interval; }' : 'blocked_v4 { type ipv4_addr; flags interval; }'}\nnft add chain inet pillory input '{ type filter hook input priority filter - 10; policy accept; }'\nnft add rule inet pillory input ${v6 ? 'ip6' : 'ip'} saddr @blocked_v${v6 ? 6 : 4} drop\nnft add element inet pillory blocked_v${v6 ? 6 : 4} { ${k} }` },
    { tool: 'ipset', code: `ipset create -exist ${v6 ? 'pillory6 hash:net family inet6' : 'pillory hash:net family inet'}\nipset add -exist ${v6 ? 'pillory6' : 'pillory'} ${k}\n${v6 ? 'ip6tables' : 'iptables'} -I INPUT -m set --match-set ${v6 ? 'pillory6' : 'pillory'} src -j DROP` },
  ];
}

export function blockLinesFor(actor: Pick<ActorReport, 'key' | 'family'>): BlockLines {
  const v6 = actor.family === 6;
  return {
    nginx: `deny ${actor.key};`,
    nftables: `nft add element inet filter ${v6 ? 'pillory_v6' : 'pillory_v4'} { ${actor.key} }`,
    ipset: `ipset add ${v6 ? 'pillory6' : 'pillory'} ${actor.key}`,
  };
}
