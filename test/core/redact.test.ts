import { describe, expect, it } from 'vitest';
import { redactTarget, redactText } from '../../src/core/redact.ts';

const opts = { hosts: ['shop.example.com'] };

describe('redactTarget', () => {
  it.each([
    ['/x?q=<script>alert("foo")</script>', '/x?q=…'],
    ['/wp-login.php', '/wp-login.php'],
    ['/a?b&c=1#frag', '/a?…&c=…'],
    ['http://shop.example.com/admin?token=abc', '/admin?token=…'],
    ['/u/me@mail.example.com/x', '/u/[redacted]/x'],
    ['/reset/0123456789abcdef0123456789abcdef', '/reset/[redacted]'],
    ['/go/shop.example.com/home', '/go/[redacted]/home'],
    ['/SHOP.EXAMPLE.COM', '/[redacted]'],
  ])('%s → %s', (target, want) => {
    expect(redactTarget(target, opts)).toBe(want);
  });

  it('caps what is published', () => {
    const out = redactTarget(`/${'a/'.repeat(2000)}`, opts);
    expect(out.length).toBe(513);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('redactText', () => {
  it('removes hosts, e-mails and JWT-like tokens', () => {
    expect(redactText('https://shop.example.com/p from ops@example.net key eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc', opts))
      .toBe('https://[redacted]/p from [redacted] key [redacted]');
  });
});
