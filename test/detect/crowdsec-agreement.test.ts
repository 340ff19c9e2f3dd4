import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { scoreSignatures } from '../../src/score/score.ts';
import { parseCombined } from './combined-line.ts';
import { canonicalIp } from '../../src/core/ip.ts';

// Outside check: replay CrowdSec's own scenario tests (MIT, read from ../shared only) and report how
// many of the sources CrowdSec alerts on our rules also flag. Only logs in combined format are replayed.

const BASE = fileURLToPath(new URL('../../../shared/corpus/crowdsec/tests/', import.meta.url));
const present = existsSync(`${BASE}expected-alerts.json`);
if (!present) console.warn('../shared/corpus/crowdsec/tests not found: CrowdSec agreement check skipped');

interface Expected { log_file: string; log_type: string; expected_alerts: { sources: string[] }[] }

describe.skipIf(!present)('CrowdSec scenario tests replayed', () => {
  it('flags most sources CrowdSec alerts on, and publishes the exploit ones', () => {
    const all = JSON.parse(readFileSync(`${BASE}expected-alerts.json`, 'utf8')) as Record<string, Expected>;
    const rules = loadRules();
    const rows: { test: string; ip: string; score: number; rules: string[] }[] = [];
    for (const [name, t] of Object.entries(all)) {
      const file = `${BASE}${name}/${t.log_file}`;
      if (!existsSync(file) || !['nginx', 'apache2'].includes(t.log_type)) continue;
      const byIp = new Map<string, Hit[]>();
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const h = parseCombined(line, i + 1);
        if (h) byIp.set(h.ip, [...(byIp.get(h.ip) ?? []), h]);
      });
      for (const ip of new Set(t.expected_alerts.flatMap((a) => a.sources.map((s) => canonicalIp(s) ?? s)))) {
        const hits = byIp.get(ip);
        if (!hits) continue; // a line format our tiny reader does not handle
        const r = scoreSignatures(detectActor(hits, rules));
        rows.push({ test: name, ip, score: r.score, rules: r.signatures.map((s) => s.ruleId) });
      }
    }
    const flagged = rows.filter((r) => r.score > 0);
    const published = rows.filter((r) => r.score >= 60);
    console.log(`CrowdSec agreement: ${flagged.length}/${rows.length} sources flagged, ${published.length} at >= 60`);
    console.log('not flagged:', rows.filter((r) => r.score === 0).map((r) => `${r.test}:${r.ip}`).join(', '));
    expect(rows.length).toBeGreaterThan(50);
    expect(flagged.length / rows.length).toBeGreaterThanOrEqual(0.75);
    // the single-request exploit scenarios must each publish on their own
    for (const t of ['CVE-2017-9841', 'CVE-2023-22515', 'apache-cve-2021-41773', 'apache_log4j2_cve-2021-44228', 'f5-big-ip-cve-2020-5902', 'fortinet-cve-2018-13379', 'nginx-http-backdoor', 'pulse-secure-sslvpn-cve-2019-11510', 'thinkphp-cve-2018-20062', 'CVE-2022-42889']) {
      const mine = rows.filter((r) => r.test === t);
      expect(mine.length, t).toBeGreaterThan(0);
      expect(mine.filter((r) => r.score < 60).map((r) => `${r.test}:${r.ip}=${r.score}`)).toEqual([]);
    }
  });
});
