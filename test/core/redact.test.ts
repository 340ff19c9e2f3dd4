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

describe('redactText: generated keys shorter than 40 characters', () => {
  it.each([
    // the site-cases planted token: "tok_" + 32 hex (36 characters) passed the old \b-bounded pattern
    ['curl/8.0 tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'curl/8.0 tok_[redacted]'],
    ['Bearer sk_live_51H8abcdEFGHijklMNOPqrstUV', 'Bearer [redacted]'],
    ['/s/123e4567-e89b-12d3-a456-426614174000/x', '/s/[redacted]/x'],
    ['/api/AKIAIOSFODNN7EXAMPLE1234/x', '/api/[redacted]/x'],
  ])('%s → %s', (input, want) => {
    expect(redactText(input, { hosts: [] })).toBe(want);
  });

  it.each([
    '/blog/geekery/ec2-reserved-vs-ondemand.html',
    '/2015-05-20-my-first-article',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36',
    '/wp-content/plugins/contact-form-7/readme.txt',
    '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  ])('leaves %s as it is', (input) => {
    expect(redactText(input, { hosts: [] })).toBe(input);
  });
});
