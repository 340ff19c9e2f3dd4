// JSON that can sit inside <script type="application/ld+json"> (case site-03) or be served as a file
// a browser might sniff: every character that could end a tag or an HTML comment, or break a JS
// string, is written as a \u escape. The value parses back unchanged.
const UNSAFE = /[<>&\u2028\u2029]/g;

export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
