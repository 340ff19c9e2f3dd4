// Where the rule data lives at build time. Pages are bundled by Vite into a temporary folder, so a
// path relative to import.meta.url would point into that folder; buildSite() sets PILLORY_ROOT.
import path from 'node:path';

export function projectRoot(): string {
  return process.env.PILLORY_ROOT || process.cwd();
}

export const rulesDir = () => path.join(projectRoot(), 'data', 'rules');
export const taxonomyFile = () => path.join(projectRoot(), 'data', 'taxonomy.yaml');
export const zonesFile = () => path.join(projectRoot(), 'data', 'dnsbl', 'zones.yaml');
