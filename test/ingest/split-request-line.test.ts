import { describe, expect, it } from 'vitest';
import { newHit } from '../../src/ingest/build-hit.ts';
import { requestPartsInto, splitRequestLine } from '../../src/ingest/split-request-line.ts';

describe('splitRequestLine', () => {
  it.each([
    ['GET /a?b=1 HTTP/1.1', { method: 'GET', target: '/a?b=1', protocol: 'HTTP/1.1', tag: null, raw: '' }],
    ['get / HTTP/2.0', { method: 'GET', target: '/', protocol: 'HTTP/2.0', tag: null }],
    ['GET /', { method: 'GET', target: '/', protocol: '', tag: null }],
    ['GET https://www.example.com:443/robots.txt HTTP/1.1', { target: 'https://www.example.com:443/robots.txt', tag: null }],
    ['GET  HTTP/1.1', { method: '', tag: 'malformed-request', raw: 'GET  HTTP/1.1' }],
    ['hello world', { tag: 'malformed-request' }],
    ['GET x', { tag: 'malformed-request' }],
    ['-', { tag: 'no-request', raw: '-' }],
    ['', { tag: 'empty-request', raw: '' }],
  ])('%j', (raw, want) => {
    expect(splitRequestLine(raw, raw)).toMatchObject(want);
  });

  it('tags on the decoded text but keeps the raw text', () => {
    expect(splitRequestLine('\\x16\\x03\\x01', '\u0016\u0003\u0001')).toEqual({ method: '', target: '', protocol: '', tag: 'tls-handshake', raw: '\\x16\\x03\\x01' });
  });
});

describe('requestPartsInto (method and target logged apart)', () => {
  it.each([
    ['GET', '/a', 'HTTP/1.1', { method: 'GET', target: '/a', protocol: 'HTTP/1.1', tag: null, raw: '' }],
    ['post', '/x', '', { method: 'POST', target: '/x', protocol: '', tag: null }],
    ['', '', '', { method: '', target: '', tag: 'no-request', raw: '' }],
    ['GET', '', 'HTTP/1.1', { method: '', tag: 'malformed-request', raw: 'GET  HTTP/1.1' }],
    ['G\u0000T', '/', 'HTTP/1.1', { tag: 'binary' }],
    ['GET', '/\u0016', 'HTTP/1.1', { tag: 'binary' }],
    ['GET', '/', 'SSH-2.0', { tag: 'malformed-request', raw: 'GET / SSH-2.0' }],
  ])('%j %j %j', (method, target, protocol, want) => {
    const hit = newHit('192.0.2.1', 0);
    requestPartsInto(hit, method, target, protocol);
    expect(hit).toMatchObject(want);
  });
});
