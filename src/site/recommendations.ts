// Advice that follows from what fired: one step per rule family (or, failing that, per taxonomy
// label), with the requests of that signature that were answered 2xx called out, plus the notes the
// actor's network and sharing status call for. The block snippets are built from the actor key (a
// canonical address or network, never log text) and are run by a test in a throwaway namespace.
import type { ActorReport, Neighbours, SignatureRow } from '../lib/snapshot-types.ts';

export interface Recommendation {
  /** Why: the titles of the signatures that led to it. */
  because: string[];
  advice: string;
  /** Paths of those signatures' requests that were answered 2xx (log text: render as text). */
  answered: string[];
}

const MAX_ANSWERED = 5;

// By rule family first: the family says exactly what was tried.
const BY_FAMILY: Readonly<Record<string, string>> = {
  log4shell: 'Update Log4j to 2.17.1 or later on every Java service and drop requests whose headers contain "${jndi:" at the edge.',
  webshell: 'Search the web root for files you did not put there (web shells are often named like the probed paths) and make upload folders non-executable.',
  exploit: 'Patch the software these exploit paths target, or answer the paths with 404 at the edge if you do not run it.',
  'cve-probe': 'Check the product and version behind each probed path against its vendor advisory, and patch or unexpose it.',
  'code-injection': 'Make sure no request parameter reaches eval, a template engine or a shell; a WAF rule set (e.g. OWASP CRS) stops the common payloads.',
  sqli: 'Use parameterised queries everywhere the probed scripts take input, and put a WAF rule set (e.g. OWASP CRS) in front of them.',
  xss: 'Encode output in the pages the probes targeted and keep a Content-Security-Policy without inline script.',
  traversal: 'Make sure no handler builds file paths from request input; reject "../" and encoded variants at the edge.',
  rfi: 'Turn off remote includes (PHP allow_url_include=Off) and never include a file named by a request parameter.',
  'secret-probe': 'Make sure no dotfiles (.env, .git/), backups or configuration files are served: deny paths starting with "/." and files ending in .bak, .old, .sql.',
  'admin-probe': 'Keep admin panels off the public internet: serve them only on a VPN or to an allowlisted address.',
  'wp-xmlrpc': 'If you do not need XML-RPC, answer /xmlrpc.php with 403; if you do, rate-limit it and disable system.multicall.',
  'wp-user-enum': 'Stop user enumeration: answer /?author=N and /wp-json/wp/v2/users with 404 for visitors who are not logged in.',
  'wp-plugin-probe': 'Remove WordPress plugins you do not use and keep the rest updated; if you do not run WordPress, answer /wp-* with 404 at the edge.',
  'cgi-probe': 'Turn off CGI handling (/cgi-bin/) unless you serve CGI scripts on purpose.',
  'not-found-ratio': 'Answer unknown paths quickly with 404 (or close the connection, nginx return 444) and rate-limit clients that collect many 404s.',
  'redirect-probe': 'Answer unknown paths with 404 directly instead of redirecting first, so a scanner learns nothing from the redirect.',
  burst: 'Rate-limit by client address (nginx limit_req_zone with a small burst) so one client cannot flood the site.',
  'scanner-ua': 'Block these scanner user agents at the edge; a real visitor never sends them.',
  'empty-ua': 'Requests without a user agent come from scripts, not browsers: answer them with 403 on pages that need no API access.',
  'protocol-probe': 'Non-HTTP bytes were sent to the web port: this is port scanning; a firewall drop for this address ends it.',
  'bad-request': 'Malformed request lines are scanner noise; a firewall drop for this address ends it, and nginx already answers them with 400.',
  'method-probe': 'Allow only the HTTP methods the site uses (GET, HEAD, POST) and answer others with 405.',
  'post-probe': 'Answer POST requests to paths that have no form with 405 at the edge, before they reach the application.',
  'ua-rotation': 'Rate-limit per address, not per user agent: this client changed its user agent to dodge per-client limits.',
  'foreign-referer': 'Ignore referers in statistics and never echo them into pages: these were forged.',
  'fake-crawler': 'Verify crawlers by reverse and forward DNS before exempting them from limits; this client only claimed to be one.',
  'spam-bot': 'Block these spam-tool user agents and protect forms with a rate limit or a challenge.',
};

// Then by taxonomy label, for families added after this table.
const BY_LABEL: Readonly<Record<string, string>> = {
  'exploit-attempt': BY_FAMILY.exploit!,
  'webshell-probe': BY_FAMILY.webshell!,
  'admin-probe': BY_FAMILY['admin-probe']!,
  'secret-file-probe': BY_FAMILY['secret-probe']!,
  'injection-probe': 'Validate input in the scripts these probes targeted and put a WAF rule set (e.g. OWASP CRS) in front of them.',
  'wordpress-enumeration': BY_FAMILY['wp-plugin-probe']!,
  'path-guessing': BY_FAMILY['not-found-ratio']!,
  'request-burst': BY_FAMILY.burst!,
  'scanner-tool': BY_FAMILY['scanner-ua']!,
  'anonymous-client': BY_FAMILY['empty-ua']!,
  'protocol-probe': BY_FAMILY['protocol-probe']!,
  'method-probe': BY_FAMILY['method-probe']!,
  'post-probe': BY_FAMILY['post-probe']!,
  'ua-rotation': BY_FAMILY['ua-rotation']!,
  'forged-header': BY_FAMILY['foreign-referer']!,
  'fake-crawler': BY_FAMILY['fake-crawler']!,
  'spam-bot': BY_FAMILY['spam-bot']!,
};

// Families whose requests probe for something that should not exist: a 2xx answer may mean it does.
// (A 2xx for a client without a user agent, or in a burst, is just a page being served.)
const PROBES = new Set(['log4shell', 'webshell', 'exploit', 'cve-probe', 'code-injection', 'sqli', 'xss', 'traversal', 'rfi',
  'secret-probe', 'admin-probe', 'wp-xmlrpc', 'wp-user-enum', 'wp-plugin-probe', 'cgi-probe', 'post-probe', 'method-probe']);
const PROBE_LABELS = new Set(['exploit-attempt', 'webshell-probe', 'admin-probe', 'secret-file-probe', 'injection-probe', 'wordpress-enumeration']);

export function adviceFor(s: Pick<SignatureRow, 'family' | 'label' | 'title'>): string {
  return BY_FAMILY[s.family] ?? BY_LABEL[s.label] ?? `Review the requests listed for “${s.title}” and make sure none of them reached something it should not.`;
}

/** Advice lines on a page; a report where every rule fired would otherwise carry a page of them. */
export const MAX_ADVICE = 6;

/**
 * One piece of advice per distinct step, strongest signatures first (the snapshot lists them by
 * points), at most MAX_ADVICE; `more` counts the signatures whose advice was left out.
 */
export function recommendationsFor(signatures: readonly SignatureRow[]): Recommendation[] & { more?: number } {
  const byAdvice = new Map<string, Recommendation>();
  let more = 0;
  for (const s of [...signatures].sort((a, b) => b.points - a.points)) {
    if (byAdvice.size >= MAX_ADVICE && !byAdvice.has(adviceFor(s))) {
      more++;
      continue;
    }
    const advice = adviceFor(s);
    const rec = byAdvice.get(advice) ?? { advice, because: [], answered: [] };
    rec.because.push(s.title);
    const probe = PROBES.has(s.family) || (!(s.family in BY_FAMILY) && PROBE_LABELS.has(s.label));
    for (const h of probe ? s.evidence : []) {
      if (h.status >= 200 && h.status < 300 && !h.tag && !rec.answered.includes(h.request) && rec.answered.length < MAX_ANSWERED) rec.answered.push(h.request);
    }
    byAdvice.set(advice, rec);
  }
  return Object.assign([...byAdvice.values()], { more });
}

/** Other published addresses in the same block before a range block is worth suggesting. */
export const RANGE_ADVICE_MIN_NEIGHBOURS = 2;

/**
 * Range advice: only for an unshared hosting address with other published addresses in its block. A
 * shared address (carrier NAT, proxy or cloud egress, many user agents) never gets it: see contextNotes().
 */
export function rangeAdviceFor(r: Pick<ActorReport, 'networkType' | 'sharedReason'>, near: Pick<Neighbours, 'prefix' | 'samePrefixTotal'>): string | null {
  if (r.sharedReason || r.networkType !== 'hosting' || near.samePrefixTotal < RANGE_ADVICE_MIN_NEIGHBOURS) return null;
  return `${near.samePrefixTotal + 1} published addresses sit in ${near.prefix}, a hosting network: if nothing you need comes from there, blocking the whole ${near.prefix} stops the next address too.`;
}

/** Notes that depend on who the address is rather than on what it sent. */
export function contextNotes(r: Pick<ActorReport, 'key' | 'sharedReason' | 'scanner' | 'networkType' | 'inBlocklist' | 'status'>): string[] {
  const notes: string[] = [];
  const what = r.key.includes('/') ? 'network' : 'address';
  if (r.scanner) {
    notes.push(`This is the research scanner ${r.scanner}: it scans the whole internet and publishes what it finds.${r.inBlocklist ? '' : ' It is not in the blocklists on this site.'} Block it only if you do not want to appear in its results.`);
  }
  if (r.sharedReason) {
    notes.push(`This ${what} is probably shared by many people (${r.sharedReason}): a block also hits everyone behind it, so prefer a rate limit or a block that expires, and never block its whole range.`);
  } else if (r.networkType === 'hosting') {
    notes.push(`The ${what} belongs to a hosting network, where ordinary visitors rarely browse from: blocking it has little risk of shutting out people.`);
  } else if (r.networkType === 'residential' || r.networkType === 'mobile') {
    notes.push(`The ${what} is on a ${r.networkType} network and may be reassigned to someone else: block the ${what} only, not its range, and let the block expire.`);
  }
  if (r.status === 'expired') notes.push(`The report has expired and the ${what} is no longer in the blocklists; block it only if it comes back.`);
  return notes;
}

export interface Snippet {
  tool: 'nginx' | 'nftables' | 'ipset';
  /** Where the lines go. */
  where: string;
  code: string;
}

/** Ready-to-paste blocking snippets for this actor, one per tool (shell lines are safe to paste as they are). */
export function blockSnippetsFor(actor: Pick<ActorReport, 'key' | 'family'>): Snippet[] {
  const v6 = actor.family === 6;
  const k = actor.key;
  const fam = v6 ? 6 : 4;
  const set = `pillory-v${fam}`;
  const ipt = v6 ? 'ip6tables' : 'iptables';
  return [
    { tool: 'nginx', where: 'in an http, server or location block, then nginx -s reload', code: `deny ${k};` },
    {
      tool: 'nftables',
      where: 'shell, as root (the first four lines once; then one element line per address)',
      code: [
        'nft add table inet pillory',
        `nft add set inet pillory blocked_v${fam} '{ type ipv${fam}_addr; flags interval; }'`,
        "nft add chain inet pillory input '{ type filter hook input priority filter - 10; policy accept; }'",
        `nft add rule inet pillory input ${v6 ? 'ip6' : 'ip'} saddr @blocked_v${fam} drop`,
        `nft add element inet pillory blocked_v${fam} '{ ${k} }'`,
      ].join('\n'),
    },
    {
      tool: 'ipset',
      where: 'shell, as root (safe to run again)',
      code: [
        `ipset -exist create ${set} hash:net family inet${v6 ? '6' : ''}`,
        `ipset -exist add ${set} ${k}`,
        `${ipt} -C INPUT -m set --match-set ${set} src -j DROP 2>/dev/null || ${ipt} -I INPUT -m set --match-set ${set} src -j DROP`,
      ].join('\n'),
    },
  ];
}
