import type { NightlySummary } from '../pipeline/nightly.ts';

/** The one-screen summary printed at the end of a run. Pure: returns lines. */
export function formatSummary(s: NightlySummary, extra: { pages?: number; outDir?: string; peakRssMb?: number } = {}): string[] {
  const skipped = Object.entries(s.lines.skipped).sort(([a], [b]) => a.localeCompare(b));
  const skippedTotal = skipped.reduce((n, [, v]) => n + v, 0);
  const dnsbl = Object.entries(s.dnsbl).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `run ${s.runId} as of ${new Date(s.asOf).toISOString()}`,
    `lines     ${s.lines.read} read from ${s.files} file(s): ${s.lines.parsed} parsed, ${skippedTotal} skipped` +
      (skipped.length ? ` (${skipped.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''),
    `actors    ${s.actorsSeen} seen, ${s.actorsScored} scored this run, ${s.published} published (${s.newlyPublished} new, ${s.expired} expired)`,
    `dnsbl     ${dnsbl.length ? dnsbl.map(([k, v]) => `${k} ${v}`).join(', ') : 'not checked'}`,
  ];
  if (s.abuse) {
    const abuse = Object.entries(s.abuse).sort(([a], [b]) => a.localeCompare(b));
    lines.push(`abuse     ${abuse.length ? abuse.map(([k, v]) => `${k} ${v}`).join(', ') : 'not looked up'}`);
  }
  for (const w of s.warnings ?? []) lines.push(`warning   ${w}`);
  if (extra.pages !== undefined) lines.push(`site      ${extra.pages} pages written to ${extra.outDir}`);
  lines.push(`time      ${Object.entries(s.stageMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
  const rss = Object.entries(s.stageRssMb).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`memory    ${extra.peakRssMb !== undefined ? `peak RSS ${extra.peakRssMb} MB; ` : ''}by stage (MB): ${rss}`);
  return lines;
}
