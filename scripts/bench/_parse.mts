import { readLines } from '../../src/ingest/line-reader.ts';
import { contentFrom } from '../../src/ingest/log-content.ts';
import { lineParserFor } from '../../src/ingest/line-parser.ts';
const mode = process.argv[2];
const parser = lineParserFor('combined');
let n = 0, ok = 0;
const t0 = process.cpuUsage(); const w0 = performance.now();
await readLines(contentFrom(process.argv[3] ?? '/tmp/b3/real.log', false, 0), { maxLineBytes: 65536 }, (line) => {
  n++;
  if (mode === 'parse') { const h = parser(line, null); if (typeof h !== 'string') ok++; }
});
const c = process.cpuUsage(t0);
console.log(mode, n, ok, 'wall', Math.round(performance.now() - w0), 'cpu', Math.round((c.user + c.system) / 1000));
