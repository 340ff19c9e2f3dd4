import { PilloryError } from '../core/errors.ts';
import { decodeLogEscapes } from './decode-log-escapes.ts';
import { hitFromFields, NO_TIME, type ClientHeaders, type HitFields, type LineParser, type ParseResult } from './build-hit.ts';
import { epochToMs, parseIsoTime } from './parse-iso-time.ts';
import { CLF_TIME_LENGTH, parseClfTime } from './parse-clf-time.ts';
import { cachedCanonicalIp, digits, unescapedQuote } from './parse-line.ts';

// An nginx `log_format` string ($remote_addr …) or an Apache `LogFormat` string (%h …) from the config,
// compiled ONCE into a list of literals and fields. Parsing a line is then a walk over that list with
// indexOf and startsWith: no regex per line, and no backtracking on hostile input.

export type FieldKind =
  | 'addr' | 'time_clf' | 'time_iso' | 'time_epoch' | 'request' | 'method' | 'target' | 'query' | 'protocol'
  | 'status' | 'bytes' | 'referer' | 'ua' | 'host' | 'xff' | 'realip' | 'cdn' | 'ignore';

export type Token = { lit: string } | { field: FieldKind; name: string };

const NGINX_VARS: Record<string, FieldKind> = {
  remote_addr: 'addr', realip_remote_addr: 'addr',
  time_local: 'time_clf', time_iso8601: 'time_iso', msec: 'time_epoch',
  request: 'request', request_method: 'method', request_uri: 'target', uri: 'target', document_uri: 'target',
  args: 'query', query_string: 'query', server_protocol: 'protocol',
  status: 'status', body_bytes_sent: 'bytes', bytes_sent: 'bytes',
  http_referer: 'referer', http_user_agent: 'ua', host: 'host', server_name: 'host', http_host: 'host',
  http_x_forwarded_for: 'xff', proxy_add_x_forwarded_for: 'xff', http_x_real_ip: 'realip',
  http_cf_connecting_ip: 'cdn', http_true_client_ip: 'cdn', http_fastly_client_ip: 'cdn',
};

const APACHE_HEADERS: Record<string, FieldKind> = {
  'referer': 'referer', 'user-agent': 'ua', 'host': 'host', 'x-forwarded-for': 'xff', 'x-real-ip': 'realip',
  'cf-connecting-ip': 'cdn', 'true-client-ip': 'cdn', 'fastly-client-ip': 'cdn',
};

const APACHE_DIRECTIVES: Record<string, FieldKind> = {
  h: 'addr', a: 'addr', r: 'request', m: 'method', U: 'target', q: 'query', H: 'protocol', s: 'status',
  b: 'bytes', B: 'bytes', O: 'bytes', v: 'host', V: 'host',
};

const MAX_FORMAT = 2048;

/** Tokens of an nginx log_format string: `$name` / `${name}` fields between literals. */
export function tokensOfNginx(format: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '$') { lit += c; continue; }
    let name = '';
    if (format[i + 1] === '{') {
      const end = format.indexOf('}', i + 2);
      if (end < 0) throw bad(format, 'unclosed ${');
      name = format.slice(i + 2, end);
      i = end;
    } else {
      let j = i + 1;
      while (j < format.length && /[A-Za-z0-9_]/.test(format[j]!)) j++;
      name = format.slice(i + 1, j);
      i = j - 1;
    }
    if (name === '') { lit += '$'; continue; }
    if (lit) out.push({ lit });
    lit = '';
    out.push({ field: NGINX_VARS[name] ?? 'ignore', name: `$${name}` });
  }
  if (lit) out.push({ lit });
  return out;
}

/** Tokens of an Apache LogFormat string: `%h`, `%>s`, `%{User-Agent}i`, `%t` (brackets included)… */
export function tokensOfApache(format: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  const push = (t: Token) => { if (lit) out.push({ lit }); lit = ''; out.push(t); };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const n = format[++i]!;
      lit += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      continue;
    }
    if (c !== '%') { lit += c; continue; }
    let j = i + 1;
    if (format[j] === '%') { lit += '%'; i = j; continue; }
    // modifiers: status conditions (!200,304), < and > (original/final request)
    while (j < format.length && /[<>!,0-9]/.test(format[j]!)) j++;
    let arg: string | null = null;
    if (format[j] === '{') {
      const end = format.indexOf('}', j + 1);
      if (end < 0) throw bad(format, 'unclosed %{');
      arg = format.slice(j + 1, end);
      j = end + 1;
    }
    const d = format[j];
    if (d === undefined) throw bad(format, 'dangling %');
    const name = format.slice(i, j + 1);
    i = j;
    if (d === 't') {
      if (arg !== null) { push({ field: 'ignore', name }); continue; } // strftime layouts: not dated by us
      lit += '[';
      push({ field: 'time_clf', name });
      lit += ']';
      continue;
    }
    if (d === 'i') { push({ field: APACHE_HEADERS[(arg ?? '').toLowerCase()] ?? 'ignore', name }); continue; }
    if (d === 'a' && arg !== null && arg !== 'c') { push({ field: 'ignore', name }); continue; }
    push({ field: APACHE_DIRECTIVES[d] ?? 'ignore', name });
  }
  if (lit) out.push({ lit });
  return out;
}

function bad(format: string, why: string): PilloryError {
  return new PilloryError('bad-format', `log format ${JSON.stringify(format.slice(0, 80))}: ${why}`);
}

/** An nginx string uses `$var`, an Apache one `%x`. */
export function isNginxFormat(format: string): boolean {
  return /\$\{?[A-Za-z_]/.test(format);
}

interface Step {
  field: FieldKind;
  /** Literal that must follow the field ('' at the end of the format). */
  next: string;
  /** The field sits between quotes: it ends only at an unescaped quote that starts `next`. */
  quoted: boolean;
  /** The field after `next` is numeric: a quoted field's end must be followed by a digit or '-'. */
  numericAfter: boolean;
}

/** Compile a format string (nginx or Apache) into a line parser. */
export function compileLogFormat(format: string): LineParser {
  if (format.length > MAX_FORMAT) throw bad(format, 'too long');
  const tokens = isNginxFormat(format) ? tokensOfNginx(format) : tokensOfApache(format);
  return compileTokens(tokens, format);
}

export function compileTokens(tokens: Token[], format: string): LineParser {
  let lead = '';
  let k = 0;
  if (tokens[0] && 'lit' in tokens[0]) { lead = tokens[0].lit; k = 1; }
  const steps: Step[] = [];
  for (; k < tokens.length; k++) {
    const t = tokens[k]!;
    if ('lit' in t) continue;
    const nextTok = tokens[k + 1];
    if (nextTok && 'field' in nextTok) throw bad(format, `${t.name} and ${nextTok.name} have nothing between them`);
    const next = nextTok && 'lit' in nextTok ? nextTok.lit : '';
    const prev = tokens[k - 1];
    const quoted = prev !== undefined && 'lit' in prev && prev.lit.endsWith('"') && next.startsWith('"');
    const after = tokens[k + 2];
    const numericAfter = after !== undefined && 'field' in after && (after.field === 'status' || after.field === 'bytes');
    steps.push({ field: t.field, next, quoted, numericAfter });
  }
  const kinds = new Set(steps.map((s) => s.field));
  if (!kinds.has('addr')) throw bad(format, 'no client address field ($remote_addr or %h)');
  const hasTime = kinds.has('time_clf') || kinds.has('time_iso') || kinds.has('time_epoch');
  const hasRequest = kinds.has('request') || kinds.has('method') || kinds.has('target');
  if (!hasRequest) throw bad(format, 'no request field ($request, %r, or method and uri)');

  return (line: string, headers: ClientHeaders | null): ParseResult => {
    if (line.length === 0) return fail('blank');
    if (lead && !line.startsWith(lead)) return fail('malformed');
    const f: HitFields = {
      ip: '', ts: hasTime ? NaN : NO_TIME, request: null, requestEscaped: true, method: '', target: '', protocol: '',
      status: 0, bytes: 0, referer: '', ua: '', host: '', badUtf8: false,
    };
    let query = '';
    let pos = lead.length;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      let end: number;
      if (s.quoted) end = quotedEnd(line, pos, s.next, s.numericAfter);
      else if (s.field === 'time_clf' && line.charCodeAt(pos + CLF_TIME_LENGTH) === (s.next.charCodeAt(0) || NaN)) end = pos + CLF_TIME_LENGTH;
      else if (s.next === '') { end = line.indexOf(' ', pos); if (end < 0) end = line.length; }
      else end = line.indexOf(s.next, pos);
      if (end < 0) return fail('malformed');
      const reason = take(f, s.field, line, pos, end, s.quoted, headers);
      if (reason !== null) {
        if (reason === 'query') query = line.slice(pos, end);
        else return fail(reason);
      }
      pos = end + s.next.length;
    }
    if (f.ip === '') return fail('bad-address');
    if (Number.isNaN(f.ts)) return fail('bad-time');
    if (query !== '' && query !== '-' && f.target !== '' && !f.target.includes('?')) f.target += query.startsWith('?') ? query : `?${query}`;
    return { ok: true, hit: hitFromFields(f) };
  };
}

/** Index of the quote ending a quoted field: unescaped, starting `next`, and (when asked) before a number. */
function quotedEnd(line: string, from: number, next: string, numericAfter: boolean): number {
  let q = unescapedQuote(line, from);
  while (q >= 0) {
    if (line.startsWith(next, q)) {
      if (!numericAfter) return q;
      const c = line.charCodeAt(q + next.length);
      if ((c >= 48 && c <= 57) || c === 45) return q;
    }
    q = unescapedQuote(line, q + 1);
  }
  return -1;
}

/** Store one field; a failure reason, 'query' for a query string to append later, or null. */
function take(f: HitFields, field: FieldKind, line: string, from: number, to: number, quoted: boolean, headers: ClientHeaders | null): string | null {
  switch (field) {
    case 'ignore': return null;
    case 'addr': {
      const ip = cachedCanonicalIp(line.slice(from, to));
      if (ip === null) return 'bad-address';
      f.ip = ip;
      return null;
    }
    case 'time_clf': {
      const ts = parseClfTime(line.slice(from, to));
      if (ts === null) return 'bad-time';
      f.ts = ts;
      return null;
    }
    case 'time_iso': {
      const ts = parseIsoTime(line.slice(from, to));
      if (ts === null) return 'bad-time';
      f.ts = ts;
      return null;
    }
    case 'time_epoch': {
      const ts = to - from > 24 ? null : epochToMs(Number(line.slice(from, to)));
      if (ts === null) return 'bad-time';
      f.ts = ts;
      return null;
    }
    case 'status': {
      const n = digits(line, from, to);
      if (n < 0 || to - from > 3) return 'bad-status';
      f.status = n;
      return null;
    }
    case 'bytes': {
      if (to - from === 1 && line.charCodeAt(from) === 45) { f.bytes = 0; return null; }
      const n = to - from > 15 ? -1 : digits(line, from, to);
      if (n < 0) return 'bad-bytes';
      f.bytes = n;
      return null;
    }
    case 'request': f.request = line.slice(from, to); return null;
    case 'query': return 'query';
    default: break;
  }
  const raw = line.slice(from, to);
  const value = raw === '-' ? '' : quoted || raw.includes('\\') ? decodeText(raw, f) : raw;
  switch (field) {
    case 'method': f.method = value; break;
    case 'target': f.target = value; break;
    case 'protocol': f.protocol = value; break;
    case 'referer': f.referer = value; break;
    case 'ua': f.ua = value; break;
    case 'host': f.host = value; break;
    case 'xff': if (headers) headers.forwardedFor = value || null; break;
    case 'realip': if (headers) headers.realIp = value || null; break;
    case 'cdn': if (headers) headers.cdnIp = value || null; break;
  }
  return null;
}

function decodeText(raw: string, f: HitFields): string {
  const d = decodeLogEscapes(raw);
  if (d.badUtf8) f.badUtf8 = true;
  return d.text;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
