import type { Hit } from '../../src/core/types.ts';

let nextId = 1;
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

/** A Hit with ordinary defaults (a browser GET answered 200); `sec` is seconds after a fixed start. */
export function hit(p: Partial<Hit> & { sec?: number } = {}): Hit {
  const { sec = 0, ...rest } = p;
  return {
    id: nextId++, ip: '203.0.113.7', ts: T0 + sec * 1000, method: 'GET', target: '/', protocol: 'HTTP/1.1',
    status: 200, bytes: 100, referer: '', ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0', host: '',
    tag: null, raw: '', badUtf8: false, ...rest,
  };
}
