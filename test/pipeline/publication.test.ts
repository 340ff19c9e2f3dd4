import { describe, expect, it } from 'vitest';
import { decidePublication } from '../../src/pipeline/publication.ts';
import { blockListOf } from '../../src/core/ip.ts';

const rules = { threshold: 60, allowlist: blockListOf(['198.18.0.0/15', '8.8.4.0/24']) };

describe('decidePublication', () => {
  it.each([
    [{ ip: '195.250.34.144', score: 60, crawler: null, crawlerCheck: null }, true, null],
    [{ ip: '195.250.34.144', score: 59, crawler: null, crawlerCheck: null }, false, null],
    [{ ip: '10.0.0.5', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '100.64.3.2', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '8.8.4.4', score: 100, crawler: null, crawlerCheck: null }, false, "on the operator's allowlist"],
    [{ ip: '66.249.73.135', score: 90, crawler: 'Googlebot', crawlerCheck: 'verified' }, false, 'verified Googlebot crawler'],
    // detect-01: a failed check holds the page back, it does not make a fake
    [{ ip: '66.249.73.135', score: 90, crawler: 'Googlebot', crawlerCheck: 'unverified' }, false, 'claims to be Googlebot; verification pending'],
    [{ ip: '5.6.7.8', score: 90, crawler: 'Googlebot', crawlerCheck: 'fake' }, true, null],
  ] as const)('%j → published %s', (input, published, excluded) => {
    expect(decidePublication({ ...input }, rules)).toEqual({ published, excluded });
  });
});
