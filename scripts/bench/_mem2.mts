import { readFileSync } from 'node:fs';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { loadCrawlers } from '../../src/detect/crawler-claim.ts';
import { StreamDetector } from '../../src/detect/stream-detector.ts';
const lines = readFileSync(process.argv[2] ?? '/tmp/b3/real.log', 'utf8').split('\n');
const p = lineParserFor('combined');
const hits: any[] = []; let id = 1;
for (const l of lines) { const h = p(l, null); if (typeof h !== 'string') { (h as any).id = id++; hits.push(h); } }
for (let rep = 0; rep < Number(process.env.REPS ?? 3); rep++) {
  const d = new StreamDetector({ rules: loadRules(), crawlers: loadCrawlers(), ipv6Prefix: 64, windowMs: 90 * 86400000, slackMs: 120000, maxUserAgents: 12 });
  const t = process.cpuUsage(); const w = performance.now();
  for (let i = 0; i < hits.length; i++) d.push(hits[i], i);
  const c = process.cpuUsage(t);
  const out = d.finish({ windowStart: -Infinity });
  const c2 = process.cpuUsage(t);
  console.log('push cpu', Math.round((c.user + c.system) / 1000), 'wall', Math.round(performance.now() - w), 'finish', Math.round((c2.user + c2.system - c.user - c.system) / 1000), out.actors.length);
}
