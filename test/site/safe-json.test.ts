import { describe, expect, it } from 'vitest';
import { safeJson } from '../../src/site/safe-json.ts';

describe('safeJson (case site-03)', () => {
  it.each([
    ['</script><script>alert(1)</script>', '"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"'],
    ['a & b', '"a \\u0026 b"'],
    ['<!-- x -->', '"\\u003c!-- x --\\u003e"'],
    ['line\u2028sep\u2029', '"line\\u2028sep\\u2029"'],
  ])('%j → %s, and parses back unchanged', (value, want) => {
    expect(safeJson(value)).toBe(want);
    expect(JSON.parse(safeJson({ v: value }))).toEqual({ v: value });
  });
});
