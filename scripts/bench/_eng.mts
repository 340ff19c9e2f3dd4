import { readLines } from '../../src/ingest/line-reader.ts';
import { contentFrom } from '../../src/ingest/log-content.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { loadCrawlers } from '../../src/detect/crawler-claim.ts';
import { StreamDetector } from '../../src/detect/stream-detector.ts';
const file = process.argv[2] ?? '/tmp/b3/real.log';
const parser = lineParserFor('combined');
const d = new StreamDetector({ rules: loadRules(), crawlers: loadCrawlers(), ipv6Prefix: 64, windowMs: 90 * 86400000, slackMs: 120000, maxUserAgents: 12 });
let n = 0, id = 1;
const t0 = process.cpuUsage(); const w0 = performance.now();
let peak = 0; const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
await readLines(contentFrom(file, false, 0), { maxLineBytes: 65536 }, (line) => {
  n++;
  const h = parser(line, null); if (typeof h === 'string') return;
  (h as any).id = id++; d.push(h as any, n);
});
const c1 = process.cpuUsage(t0);
const out = d.finish({ windowStart: -Infinity });
const c = process.cpuUsage(t0);
clearInterval(timer); peak = Math.max(peak, process.memoryUsage.rss());
console.log(n, 'actors', out.actors.length, 'outcomes', out.outcomes.length, 'store', out.store.length, 'late', out.late,
  'read+detect cpu', Math.round((c1.user + c1.system) / 1000), 'finish cpu', Math.round((c.user + c.system - c1.user - c1.system) / 1000), 'wall', Math.round(performance.now() - w0), 'peak rss', Math.round(peak / 1048576), 'heap', Math.round(process.memoryUsage().heapUsed / 1048576));
