import { describe, expect, it } from 'vitest';

import { decodeForMatch, normalPath, viewOf, MAX_FIELD } from '../../src/detect/request-view.ts';
import { pathListOf } from '../../src/detect/path-list.ts';
import { hit } from './make-hit.ts';

describe('viewOf', () => {
  it.each<[string, string, string]>([
    ['/A/B?x=1', '/a/b', 'x=1'],
    ['/cgi-bin/.%2e/.%2e/bin/sh', '/cgi-bin/../../bin/sh', ''],
    ['/x/%252e%252e/y', '/x/../y', ''], // double encoding
    ['http://evil.example/wp-login.php?a=b', '/wp-login.php', 'a=b'], // absolute form loses the host
    ['/s?q=union+select', '/s', 'q=union select'],
    ['/bad%zzescape', '/bad%zzescape', ''], // invalid escapes stay, nothing throws
  ])('%s → path %s, query %s', (target, path, query) => {
    const v = viewOf(hit({ target }));
    expect(v.path).toBe(path);
    expect(v.query).toBe(query);
  });

  it('cuts hostile lengths before matching', () => {
    expect(viewOf(hit({ target: '/' + 'a'.repeat(100_000) })).path.length).toBe(MAX_FIELD);
    expect(decodeForMatch('%41'.repeat(10_000)).length).toBeLessThanOrEqual(MAX_FIELD);
  });

  it.each([['/a/', '/a'], ['/', '/'], ['//', '/'], ['/a', '/a']])('normalPath(%s) = %s', (p, want) => {
    expect(normalPath(p)).toBe(want);
  });
});

describe('pathListOf (segment-aligned)', () => {
  const list = pathListOf(['/wp-admin', '.env', 'fckeditor/editor/filemanager/', '/admin.php']);
  it.each<[string, boolean]>([
    ['/wp-admin', true], ['/wp-admin/', true], ['/blog/wp-admin/post.php', true], ['/wp-administrivia', false],
    ['/.env', true], ['/app/.env', true], ['/news.env', false], ['/.env.bak', false],
    ['/x/fckeditor/editor/filemanager/connectors/test.html', true], ['/myfckeditor/editor/filemanager/x', false],
    ['/admin.php', true], ['/admin.phps', false],
  ])('%s → %s', (path, want) => {
    expect(list.matches(path)).toBe(want);
  });
});
