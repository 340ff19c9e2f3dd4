// One timed site build for the site benchmark, in its own process so that its peak memory is the
// build's alone (the benchmark process also makes the synthetic snapshots).
// tsx scripts/bench/site-build.ts <snapshot> <live dir> <full|incremental> [workers]
// prints one line of JSON: the BuildSiteResult, the time in ms, this process's peak RSS in MB, and the
// peak of the sum of its own and its render workers' RSS at one moment (treePeakMb; null without /proc)
import { buildSite } from '../../src/site/build-site.ts';
import { buildIntoPlace } from '../../src/pipeline/publish-site.ts';
import { sampleTreePeak } from './tree-rss.ts';

const [snapshot, live, mode, workers] = process.argv.slice(2);
if (!snapshot || !live || (mode !== 'full' && mode !== 'incremental')) {
  process.stderr.write('usage: site-build.ts <snapshot> <live dir> <full|incremental> [workers]\n');
  process.exit(2);
}
const t0 = performance.now();
const sampler = sampleTreePeak();
const r = await buildIntoPlace(live, (tmp) => buildSite({
  snapshot, outDir: tmp, previousDir: mode === 'incremental' ? live : null, siteUrl: 'https://pillory.example.org', workers: workers ? Number(workers) : undefined,
}), (x) => x.publish);
const ms = performance.now() - t0;
const treePeakMb = sampler.stop();
process.stdout.write(`${JSON.stringify({ ...r, ms, parentRssMb: Math.round(process.resourceUsage().maxRSS / 1024), treePeakMb })}\n`);
