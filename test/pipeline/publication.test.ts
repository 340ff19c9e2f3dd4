import { describe, expect, it } from 'vitest';
import { decidePublication, nextStatus, sharedReasonOf } from '../../src/pipeline/publication.ts';
import { blockListOf } from '../../src/core/ip.ts';

const rules = { threshold: 60, allowlist: blockListOf(['198.18.0.0/15', '8.8.4.0/24']), operatorRanges: blockListOf(['144.76.194.0/24']) };

describe('decidePublication', () => {
  it.each([
    [{ ip: '195.250.34.144', score: 60, crawler: null, crawlerCheck: null }, true, null],
    [{ ip: '195.250.34.144', score: 59, crawler: null, crawlerCheck: null }, false, null],
    [{ ip: '10.0.0.5', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '100.64.3.2', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '8.8.4.4', score: 100, crawler: null, crawlerCheck: null }, false, "on the operator's allowlist"],
    [{ ip: '127.0.0.1', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '169.254.10.1', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '192.0.2.66', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '240.1.2.3', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: 'fd12:3456::1', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '2001:db8:1:2::', score: 100, crawler: null, crawlerCheck: null }, false, 'private, reserved or documentation address'],
    [{ ip: '144.76.194.187', score: 100, crawler: null, crawlerCheck: null }, false, "the operator's own proxy or CDN range"],
    [{ ip: '66.249.73.135', score: 90, crawler: 'Googlebot', crawlerCheck: 'verified' }, false, 'verified Googlebot crawler'],
    // detect-01: a failed check holds the page back, it does not make a fake
    [{ ip: '66.249.73.135', score: 90, crawler: 'Googlebot', crawlerCheck: 'unverified' }, false, 'claims to be Googlebot; verification pending'],
    [{ ip: '5.6.7.8', score: 90, crawler: 'Googlebot', crawlerCheck: 'fake' }, true, null],
  ] as const)('%j → published %s', (input, published, excluded) => {
    expect(decidePublication({ ...input }, rules)).toEqual({ published, excluded, inBlocklist: published });
  });
});

describe('decidePublication: shared addresses and research scanners', () => {
  const r = { ...rules, sharedExtraPoints: 20 };
  it.each([
    // a shared address needs threshold + 20 …
    [{ score: 70, sharedReason: 'mobile carrier network', strongSignal: false }, false],
    [{ score: 80, sharedReason: 'mobile carrier network', strongSignal: false }, true],
    // … or the threshold plus an exploit-grade signature
    [{ score: 70, sharedReason: 'mobile carrier network', strongSignal: true }, true],
    [{ score: 59, sharedReason: 'mobile carrier network', strongSignal: true }, false],
    [{ score: 70, sharedReason: null, strongSignal: false }, true],
  ] as const)('%j → published %s', (extra, published) => {
    expect(decidePublication({ ip: '195.250.34.144', crawler: null, crawlerCheck: null, ...extra }, r).published).toBe(published);
  });

  it('publishes a research scanner but keeps it out of the blocklists unless the operator says so', () => {
    const a = { ip: '162.142.125.10', score: 90, crawler: null, crawlerCheck: null, scanner: 'Censys' };
    expect(decidePublication(a, r)).toEqual({ published: true, excluded: null, inBlocklist: false });
    expect(decidePublication(a, { ...r, scannersInBlocklists: true }).inBlocklist).toBe(true);
  });
});

describe('nextStatus: published → expired → removed', () => {
  const DAY = 86_400_000;
  const T = Date.UTC(2026, 11, 3);
  const pub = { published: true, excluded: null, inBlocklist: true };
  const below = { published: false, excluded: null, inBlocklist: false };
  const allowed = { published: false, excluded: "on the operator's allowlist", inBlocklist: false };
  it.each([
    ['new offender', { status: 'none', expiredAt: null }, pub, null, { status: 'published', expiredAt: null }],
    ['never published, still below', { status: 'none', expiredAt: null }, below, null, { status: 'none', expiredAt: null }],
    // expired at the moment the score dropped, not at the run that noticed it
    ['ages out', { status: 'published', expiredAt: null }, below, T - 2 * DAY, { status: 'expired', expiredAt: T - 2 * DAY }],
    ['inside the grace period', { status: 'expired', expiredAt: T - 29 * DAY }, below, null, { status: 'expired', expiredAt: T - 29 * DAY }],
    ['grace period over', { status: 'expired', expiredAt: T - 30 * DAY }, below, null, { status: 'removed', expiredAt: T - 30 * DAY }],
    ['re-offends while expired', { status: 'expired', expiredAt: T - 3 * DAY }, pub, null, { status: 'published', expiredAt: null }],
    ['allowlisted later: removed at once', { status: 'published', expiredAt: null }, allowed, null, { status: 'removed', expiredAt: T }],
  ] as const)('%s', (_name, before, d, droppedAt, want) => {
    expect(nextStatus(before, d, T, droppedAt, 30)).toEqual(want);
  });
});

describe('sharedReasonOf', () => {
  it.each([
    [3, 'mobile', 'mobile carrier network: many subscribers share few addresses'],
    [3, 'cdn-proxy-vpn', 'proxy, VPN or cloud egress address used by many clients'],
    [15, 'residential', '15 different user agents from one address (an office or carrier NAT)'],
    [11, 'hosting', null],
  ] as const)('%i agents on %s → %s', (uas, type, want) => {
    expect(sharedReasonOf(uas, 12, type)).toBe(want);
  });
});
