import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { canonicalIp } from '../../src/core/ip.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor, type ActorFacts } from '../../src/detect/detect-actor.ts';
import { parseCombined } from './combined-line.ts';

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

/** fail2ban's fakegooglebot samples use a vhost layout; only client and user agent matter here. */
function hitOf(filter: string, c: Case, id: number): Hit | null {
  const h = parseCombined(c.line, id);
  if (h) return h;
  if (filter === 'apache-fakegooglebot') {
    const m = /^(\S+) .*"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) \d+ "[^"]*" "([^"]*)"/.exec(c.line);
    const ip = m ? canonicalIp(m[1]!) : null;
    if (m && ip) return { id, ip, ts: 0, method: m[2]!, target: m[3]!, protocol: 'HTTP/1.1', status: Number(m[4]), bytes: 0, referer: '', ua: m[5]!, host: '', tag: null, raw: '', badUtf8: false };
  }
  return null;
}

describe.skipIf(!present)('fail2ban sample logs replayed', () => {
  const rules = loadRules();
  const skippedLines: string[] = [];
  it.each(Object.keys(FILTERS))('%s', (filter) => {
    const spec = FILTERS[filter]!;
    const cases = readFileSync(`${BASE}${filter}.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Case);
    const problems: string[] = [];
    let replayed = 0;
    for (const c of cases) {
      const h = hitOf(filter, c, c.lineno);
      if (!h) { skippedLines.push(`${filter}:${c.lineno} (not an access-log line)`); continue; }
      replayed++;
      if (c.match && canonicalIp(c.host) !== h.ip) problems.push(`${filter}:${c.lineno}: host ${c.host} read as ${h.ip}`);
      const fired = detectActor([h], rules, spec.facts ?? {}).map((s) => s.ruleId).filter((r) => spec.rules.includes(r));
      if (c.match && fired.length === 0) problems.push(`${filter}:${c.lineno}: must match, no ${spec.rules.join('/')} signature`);
      if (!c.match && fired.length > 0) problems.push(`${filter}:${c.lineno}: must not match, got ${fired.join(', ')}`);
    }
    expect(replayed, `${filter}: no access-log lines replayed`).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
  it('says what was skipped', () => {
    console.log('fail2ban filters skipped:\n  ' + Object.entries(SKIPPED).map(([f, why]) => `${f}: ${why}`).join('\n  '));
    console.log('fail2ban lines skipped:', skippedLines.join(', ') || 'none');
    expect(Object.keys(SKIPPED).length + Object.keys(FILTERS).length).toBe(14);
  });
});
