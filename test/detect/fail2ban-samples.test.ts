import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { canonicalIp } from '../../src/core/ip.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor, type ActorFacts } from '../../src/detect/detect-actor.ts';
import { parseLine } from '../../src/ingest/parse-line.ts';

// Outside check: fail2ban's annotated sample logs (GPL-2.0-or-later, so read from ../shared only and
// never copied). Each access-log line fail2ban must match gets the corresponding signature here, each
// line it must not match does not. Lines are judged one by one, as a one-request client.

const BASE = fileURLToPath(new URL('../../../shared/corpus/fail2ban/expected/', import.meta.url));
const present = existsSync(BASE);
if (!present) console.warn('../shared/corpus/fail2ban not found: fail2ban sample replay skipped');

/** Filters about web scanning, and the rules that stand for each. */
const FILTERS: Record<string, { rules: string[]; facts?: ActorFacts }> = {
  'apache-badbots': { rules: ['spam-bot-agent', 'scanner-user-agent', 'scanner-user-agent-repeat'] },
  // needs DNS in fail2ban; here the claim is judged as if the check had completed and refuted it
  'apache-fakegooglebot': { rules: ['fake-crawler'], facts: { crawlerCheck: 'fake' } },
  'nginx-botsearch': { rules: ['admin-panel-probe', 'admin-panel-sweep', 'admin-panel-sweep-wide', 'cgi-probe', 'exploit-path', 'cve-exploit-path', 'cve-probe', 'webshell-probe', 'secret-file-probe'] },
  'nginx-bad-request': { rules: ['bad-request'] },
  'php-url-fopen': { rules: ['remote-file-inclusion'] },
};

/** Filters not replayed, and why. */
const SKIPPED: Record<string, string> = {
  'apache-botsearch': 'samples are Apache error-log lines (Pillory reads access logs)',
  'apache-nohome': 'samples are Apache error-log lines (Pillory reads access logs)',
  'apache-noscript': 'samples are Apache error-log lines (Pillory reads access logs)',
  'apache-overflows': 'samples are Apache error-log lines (Pillory reads access logs)',
  'apache-shellshock': 'samples are Apache error-log lines (Pillory reads access logs)',
  'apache-auth': 'authentication failures (brute force), not scanning',
  'nginx-http-auth': 'authentication failures (brute force), not scanning',
  'nginx-limit-req': 'rate limiting (DoS), error-log lines',
  'nginx-forbidden': 'access-rule denials in the error log, not scanning',
};

interface Case { lineno: number; line: string; match: boolean; host: string }

/**
 * One sample line as a request. Access-log lines are read by Pillory's own parser (combined, or
 * vhost_combined when the line starts with the virtual host). nginx error-log lines that carry the
 * request are read as the request they logged: "open() … failed (2: No such file or directory)" and
 * "… is not found (2: No such file or directory)" are nginx answering 404, the only status they can
 * stand for. Anything else is not a request and is counted as skipped.
 */
function hitOf(c: Case, id: number): Hit | null {
  const r = parseLine(c.line, 'combined');
  if (r.ok) return { id, ...r.hit };
  const v = parseLine(c.line, 'vhost_combined');
  if (v.ok) return { id, ...v.hit };
  const e = /(?:^|\]: )\d{4}\/\d\d\/\d\d [\d:]{8} \[error\] .*\(2: No such file or directory\), client: ([0-9a-f.:]+), server: [^,]*, request: "([A-Z]+) (\S+) (HTTP\/[\d.]+)"/.exec(c.line);
  const ip = e ? canonicalIp(e[1]!) : null;
  if (e && ip) return request(id, ip, e[2]!, e[3]!, 404, '');
  // fail2ban's own test layout "IP - - - [time ] vhost "GET / HTTP/1.1" 200 814 "-" "UA" + …"
  const f = /^(\S+) - - - \[[^\]]*\] \S+ "([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) \d+ "[^"]*" "([^"]*)"/.exec(c.line);
  const fip = f ? canonicalIp(f[1]!) : null;
  if (f && fip) return request(id, fip, f[2]!, f[3]!, Number(f[4]), f[5]!);
  return null;
}

function request(id: number, ip: string, method: string, target: string, status: number, ua: string): Hit {
  return { id, ip, ts: 0, method, target, protocol: 'HTTP/1.1', status, bytes: 0, referer: '', ua, host: '', tag: null, raw: '', badUtf8: false };
}

describe.skipIf(!present)('fail2ban sample logs replayed', () => {
  const rules = loadRules();
  const skippedLines: string[] = [];
  const counts: string[] = [];
  it.each(Object.keys(FILTERS))('%s', (filter) => {
    const spec = FILTERS[filter]!;
    const cases = readFileSync(`${BASE}${filter}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);
    const problems: string[] = [];
    let replayed = 0;
    for (const c of cases) {
      const h = hitOf(c, c.lineno);
      if (!h) { skippedLines.push(`${filter}:${c.lineno} (not a request line)`); continue; }
      replayed++;
      if (c.match && canonicalIp(c.host) !== h.ip) problems.push(`${filter}:${c.lineno}: host ${c.host} read as ${h.ip}`);
      const fired = detectActor([h], rules, spec.facts ?? {}).map((s) => s.ruleId).filter((r) => spec.rules.includes(r));
      if (c.match && fired.length === 0) problems.push(`${filter}:${c.lineno}: must match, no ${spec.rules.join('/')} signature`);
      if (!c.match && fired.length > 0) problems.push(`${filter}:${c.lineno}: must not match, got ${fired.join(', ')}`);
    }
    expect(replayed, `${filter}: no access-log lines replayed`).toBeGreaterThan(0);
    counts.push(`${filter}: ${replayed}/${cases.length} lines replayed (${cases.filter((c) => c.match).length} must match, ${cases.filter((c) => !c.match).length} must not)`);
    expect(problems).toEqual([]);
  });
  it('says what was skipped', () => {
    console.log('fail2ban filters skipped:\n  ' + Object.entries(SKIPPED).map(([f, why]) => `${f}: ${why}`).join('\n  '));
    console.log('fail2ban lines skipped:', skippedLines.join(', ') || 'none');
    console.log('fail2ban replayed:\n  ' + counts.join('\n  '));
    // every line of every replayed filter is a request Pillory can read
    expect(skippedLines).toEqual([]);
    expect(Object.keys(SKIPPED).length + Object.keys(FILTERS).length).toBe(14);
  });
});
