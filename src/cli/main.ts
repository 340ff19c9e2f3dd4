import { parseCli, USAGE } from './options.ts';
import { runNightly, sampleRss } from '../pipeline/nightly.ts';
import { formatSummary } from './format-summary.ts';
import { exportActors } from './export-actors.ts';
import { buildSite, type BuildSiteResult } from '../site/build-site.ts';
import { PilloryError } from '../core/errors.ts';
import { acquireRunLock } from '../snapshot/run-lock.ts';
import { buildIntoPlace } from '../pipeline/publish-site.ts';
import { createProgress } from './progress.ts';
import { doctor } from './doctor.ts';

/** Exit codes: 0 ok, 1 unexpected failure (doctor: a problem found), 2 bad arguments or config, 3 input missing, 4 site build failed, 5 another run holds the lock. */
export async function main(argv: string[]): Promise<number> {
  // `pillory export | head` closes the pipe early: that is a normal end, not a crash
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const err = (s: string) => process.stderr.write(`${s}\n`);
  try {
    const opts = parseCli(argv);
    if (opts.help || opts.command === 'help') { out(USAGE); return 0; }
    const cfg = opts.config;
    switch (opts.command) {
      case 'nightly':
      case 'build': {
        if (opts.demo) err(`no logs configured: using the bundled demo logs (${cfg.logs.length} files, as of their newest line)`);
        const unlock = acquireRunLock(cfg.db);
        try {
          const progress = createProgress(process.stderr);
          const run = await runNightly(cfg, { now: Date.now, log: err, progress });
          let site: BuildSiteResult | undefined;
          if (opts.command === 'build') {
            progress.start('site');
            const t0 = performance.now();
            const rss = sampleRss();
            try {
              // the live site is the previous build: what did not change is taken over from it
              site = await buildIntoPlace(cfg.out, (tmp) => buildSite({ snapshot: run.copy.path, outDir: tmp, previousDir: cfg.out, siteUrl: cfg.site.url }), (r) => r.publish);
              // this process and its render workers, which run side by side
              run.summary.stageRssMb.site = rss.stop() + site.workerRssMb.reduce((a, b) => a + b, 0);
              run.summary.stageMs.site = Math.round(performance.now() - t0);
              progress.end('site', run.summary.stageMs.site);
            } catch (e) {
              run.copy.discard();
              throw new PilloryError('SITE_FAILED', `site build failed; the previous snapshot and ${cfg.out} are unchanged: ${(e as Error).message}`, { cause: e });
            }
          }
          run.copy.publish();
          const peak = Math.round(process.resourceUsage().maxRSS / 1024);
          for (const l of formatSummary(run.summary, { site, outDir: cfg.out, peakRssMb: peak })) out(l);
          return 0;
        } finally {
          unlock();
        }
      }
      case 'doctor':
        return await doctor(cfg, out);
      case 'export': {
        for (const row of exportActors(cfg.db)) out(JSON.stringify(row));
        return 0;
      }
      default:
        err(`unknown command "${opts.command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof PilloryError) {
      err(`pillory: ${e.message}`);
      return exitCodeOf(e.code);
    }
    err(`pillory: unexpected failure: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

/** The exit code of a failure (README, "Run it every night"): 2 bad arguments or config, 3 missing or unreadable input, 4 site build failed, 5 locked, 1 anything else. */
export function exitCodeOf(code: string): number {
  if (code === 'SITE_FAILED') return 4;
  if (code === 'LOCKED') return 5;
  if (code.startsWith('CONFIG') || code === 'BAD_ARGS' || code === 'BAD_AS_OF') return 2;
  if (code.startsWith('LOG_') || code.endsWith('_MISSING')) return 3;
  return 1;
}
