import { readLines } from '../../src/ingest/line-reader.ts';
import { contentFrom } from '../../src/ingest/log-content.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { loadCrawlers } from '../../src/detect/crawler-claim.ts';
import { StreamDetector } from '../../src/detect/stream-detector.ts';
import { writeHeapSnapshot } from 'node:v8';
const parser = lineParserFor('combined');
const d = new StreamDetector({ rules: loadRules(), crawlers: loadCrawlers(), ipv6Prefix: 64, windowMs: 90 * 86400000, slackMs: 120000, maxUserAgents: 12 });
let id = 1;
await readLines(contentFrom(process.argv[2]!, false, 0), { maxLineBytes: 65536 }, (line) => {
  const h = parser(line, null); if (typeof h === 'string') return;
  (h as any).id = id++; d.push(h as any);
});
(globalThis as any).gc?.();
console.log('heap', Math.round(process.memoryUsage().heapUsed / 1048576));
writeHeapSnapshot('/tmp/b3/h.heapsnapshot');
(globalThis as any).keep = d;
