// One timed site build for the site benchmark, in its own process so that its peak memory is the
// build's alone (the benchmark process also makes the synthetic snapshots).
// tsx scripts/bench/site-build.ts <snapshot> <live dir> <full|incremental> [workers]
// prints one line of JSON: the BuildSiteResult, the time in ms, and this process's peak RSS in MB
import { buildSite } from '../../src/site/build-site.ts';
import { buildIntoPlace } from '../../src/pipeline/publish-site.ts';

const [snapshot, live, mode, workers] = process.argv.slice(2);
if (!snapshot || !live || (mode !== 'full' && mode !== 'incremental')) {
  process.stderr.write('usage: site-build.ts <snapshot> <live dir> <full|incremental> [workers]\n');
  process.exit(2);
}
const t0 = performance.now();
const r = await buildIntoPlace(live, (tmp) => buildSite({
  snapshot, outDir: tmp, previousDir: mode === 'incremental' ? live : null, siteUrl: 'https://pillory.example.org', workers: workers ? Number(workers) : undefined,
}), (x) => x.publish);
process.stdout.write(`${JSON.stringify({ ...r, ms: performance.now() - t0, parentRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
