// Behaviour labels from data/taxonomy.yaml, read once per build. The public "why listed" wording comes
// from here; an id the taxonomy does not know is shown as the id itself.
import { loadTaxonomy, type Label } from '../detect/taxonomy.ts';
import { taxonomyFile } from './data-paths.ts';

let cache: Map<string, Label> | null = null;

function labels(): Map<string, Label> {
  if (!cache) {
    try {
      cache = new Map(loadTaxonomy(taxonomyFile()).map((l) => [l.id, l]));
    } catch {
      cache = new Map(); // a missing taxonomy must not stop the site; ids are still truthful
    }
  }
  return cache;
}

export function labelTitle(id: string): string {
  return labels().get(id)?.title ?? id;
}

export function labelWhy(id: string): string | null {
  return labels().get(id)?.why ?? null;
}
