import { describe, expect, it } from 'vitest';

import { loadTaxonomy } from '../../src/detect/taxonomy.ts';
import { loadRules } from '../../src/detect/load-rules.ts';

describe('loadTaxonomy', () => {
  const labels = loadTaxonomy();
  it('has unique ids with public text', () => {
    expect(new Set(labels.map((l) => l.id)).size).toBe(labels.length);
    expect(labels.find((l) => l.id === 'admin-probe')!.title).toBe('Admin and login page probing');
  });
  it('every label is used by a rule and every rule label exists', () => {
    const used = new Set(loadRules().map((r) => r.label));
    expect([...used].filter((u) => !labels.some((l) => l.id === u))).toEqual([]);
    expect(labels.filter((l) => !used.has(l.id)).map((l) => l.id)).toEqual([]);
  });
});
