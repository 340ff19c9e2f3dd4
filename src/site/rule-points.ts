// The points each rule gives today (data/rules/), read once per build, so a signature row whose
// points were cut by the 100 cap can say so. An unknown rule id (renamed since the run) has none.
import { loadRules } from '../detect/load-rules.ts';
import { rulesDir } from './data-paths.ts';

let cache: Map<string, number> | null = null;

export function rulePoints(id: string): number | null {
  if (!cache) {
    try {
      cache = new Map(loadRules(rulesDir()).map((r) => [r.id, r.points]));
    } catch {
      cache = new Map(); // the page still shows the points the snapshot recorded
    }
  }
  return cache.get(id) ?? null;
}
