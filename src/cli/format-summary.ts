import type { NightlySummary } from '../pipeline/nightly.ts';
import type { BuildSiteResult } from '../site/build-site.ts';

/** The one-screen summary printed at the end of a run. Pure: returns lines. */
export function formatSummary(s: NightlySummary, extra: { site?: Pick<BuildSiteResult, 'pages' | 'pagesRendered' | 'workers' | 'files'>; outDir?: string; peakRssMb?: number } = {}): string[] {
  const skipped = Object.entries(s.lines.skipped).sort(([a], [b]) => a.localeCompare(b));
  const skippedTotal = skipped.reduce((n, [, v]) => n + v, 0);
  const dnsbl = Object.entries(s.dnsbl).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `run ${s.runId} as of ${new Date(s.asOf).toISOString()}`,
    `lines     ${s.lines.read} read from ${s.files} file(s): ${s.lines.parsed} parsed, ${skippedTotal} skipped` +
      (skipped.length ? ` (${skipped.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''),
    `actors    ${s.actorsSeen} seen, ${s.actorsScored} scored this run, ${s.published} published (${s.newlyPublished} new, ${s.expired} expired)`,
    `detect    ${s.threads} thread(s); ${s.stored} requests stored as evidence, ${s.released} released; ${s.lateLines} lines too late to reorder`,
    `dnsbl     ${dnsbl.length ? dnsbl.map(([k, v]) => `${k} ${v}`).join(', ') : 'not checked'}`,
  ];
  if (s.abuse) {
    const abuse = Object.entries(s.abuse).sort(([a], [b]) => a.localeCompare(b));
    lines.push(`abuse     ${abuse.length ? abuse.map(([k, v]) => `${k} ${v}`).join(', ') : 'not looked up'}`);
  }
  for (const w of s.warnings ?? []) lines.push(`warning   ${w}`);
  const site = extra.site;
  if (site) {
    const f = site.files;
    lines.push(`site      ${site.pages} pages in ${extra.outDir}: ${site.pagesRendered} rendered, ${site.pages - site.pagesRendered} unchanged and kept` +
      ` (${site.workers} worker${site.workers === 1 ? '' : 's'}); files ${f.added.length} added, ${f.changed.length} changed, ${f.removed.length} removed, ${f.unchanged} unchanged`);
  }
  const cpu = Object.entries(s.stageCpuMs ?? {}).map(([k, v]) => `${k} ${v} ms`).join(', ');
  lines.push(`time      ${Object.entries(s.stageMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}${cpu ? ` (CPU: ${cpu})` : ''}`);
  const rss = Object.entries(s.stageRssMb).map(([k, v]) => `${k} ${v}`).join(', ');
  // the site stage's figure adds its render workers (other processes) to this one's
  const workers = s.stageRssMb.site !== undefined ? '; site = this process + its render workers' : '';
  lines.push(`memory    ${extra.peakRssMb !== undefined ? `peak RSS of this process ${extra.peakRssMb} MB; ` : ''}by stage (MB${workers}): ${rss}`);
  return lines;
}
