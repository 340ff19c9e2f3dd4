import { PilloryError } from '../core/errors.ts';
import { NO_TIME, newHit, setRequestLine, type ClientHeaders, type LineParser, type ParsedHit } from './build-hit.ts';
import { decodeLogField } from './decode-log-escapes.ts';
import { epochToMs, parseIsoTime } from './parse-iso-time.ts';
import { CLF_TIME_LENGTH, parseClfTimeAt } from './parse-clf-time.ts';
import { cachedCanonicalIp, digits, unescapedQuote } from './parse-line.ts';
import { requestPartsInto } from './split-request-line.ts';

// An nginx `log_format` string ($remote_addr …) or an Apache `LogFormat` string (%h …) from the config,
// compiled ONCE into a list of literals and fields. Parsing a line is then a walk over that list with
// indexOf and startsWith: no regex per line, and no backtracking on hostile input. Variables Pillory
// has no use for ($request_time, %D, $upstream_addr, $ssl_protocol…) are matched and ignored.

export type FieldKind =
  | 'addr' | 'time_clf' | 'time_iso' | 'time_epoch' | 'request' | 'method' | 'target' | 'query' | 'protocol'
  | 'status' | 'bytes' | 'referer' | 'ua' | 'host' | 'xff' | 'realip' | 'cdn' | 'ignore' | 'ignore_list';

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

function nginxKind(name: string): FieldKind {
  const k = NGINX_VARS[name];
  if (k !== undefined && Object.hasOwn(NGINX_VARS, name)) return k;
  // nginx writes one value per upstream tried, joined by ", " and " : " ("10.0.0.1:80, 10.0.0.2:80")
  return name.startsWith('upstream_') ? 'ignore_list' : 'ignore';
}

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
    out.push({ field: nginxKind(name), name: `$${name}` });
  }
  if (lit) out.push({ lit });
  return mergeTargetAndQuery(out);
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
    if (format[j] === '^') j += 2; // %^ti / %^to: request and response trailers
    const d = format[j];
    if (d === undefined) throw bad(format, 'dangling %');
    const name = format.slice(i, j + 1);
    i = j;
    if (d === 't') {
      if (arg === null) {
        lit += '[';
        push({ field: 'time_clf', name });
        lit += ']';
      } else push({ field: apacheTimeKind(arg, format), name });
      continue;
    }
    if (d === 'i') {
      const header = (arg ?? '').toLowerCase();
      push({ field: Object.hasOwn(APACHE_HEADERS, header) ? APACHE_HEADERS[header]! : 'ignore', name });
      continue;
    }
    if (d === 'a' && arg !== null && arg !== 'c') { push({ field: 'ignore', name }); continue; }
    push({ field: arg === null && Object.hasOwn(APACHE_DIRECTIVES, d) ? APACHE_DIRECTIVES[d]! : 'ignore', name });
  }
  if (lit) out.push({ lit });
  return mergeTargetAndQuery(out);
}

/** `%{…}t`: the layouts Pillory can date a line by; any other strftime layout is refused, not guessed. */
function apacheTimeKind(arg: string, format: string): FieldKind {
  const a = arg.replace(/^(begin|end):/, '');
  if (a === 'sec' || a === 'msec' || a === 'usec') return 'time_epoch';
  if (a === 'msec_frac' || a === 'usec_frac') return 'ignore';
  if (a === '%d/%b/%Y:%H:%M:%S %z') return 'time_clf';
  if (/^%Y-%m-%d[T ]%H:%M:%S/.test(a)) return 'time_iso';
  throw bad(format, `the time layout %{${arg}}t is not one Pillory can read; use %t, %{sec}t, %{msec}t or one starting %Y-%m-%dT%H:%M:%S`);
}

/**
 * `$uri$is_args$args` and `%U%q` are one request target written as two or three variables with
 * nothing between them: read as one field (the target with its query).
 */
function mergeTargetAndQuery(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    out.push(t);
    if (!('field' in t) || t.field !== 'target') continue;
    const a = tokens[i + 1];
    const b = tokens[i + 2];
    if (a && 'field' in a && a.field === 'query') i += 1;
    else if (a && 'field' in a && a.name === '$is_args' && b && 'field' in b && b.field === 'query') i += 2;
  }
  return out;
}

function bad(format: string, why: string): PilloryError {
  return new PilloryError('CONFIG_LOG_FORMAT', `log format ${JSON.stringify(format.slice(0, 80))}: ${why}`);
}

/** An nginx string uses `$var`, an Apache one `%x`. */
export function isNginxFormat(format: string): boolean {
  return /\$\{?[A-Za-z_]/.test(format);
}

interface Step {
  field: FieldKind;
  /** Literal that must follow the field ('' at the end of the format). */
  next: string;
  /** False when `next` belongs to the following field (a host written right before a `/…` target). */
  consume: boolean;
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
    let next = nextTok && 'lit' in nextTok ? nextTok.lit : '';
    let consume = true;
    if (nextTok && 'field' in nextTok) {
      // `$host$request_uri`: the host ends where the target's leading '/' starts
      if (nextTok.field !== 'target' || t.field === 'target') throw bad(format, `${t.name} and ${nextTok.name} have nothing between them`);
      next = '/';
      consume = false;
    }
    const prev = tokens[k - 1];
    const quoted = prev !== undefined && 'lit' in prev && prev.lit.endsWith('"') && next.startsWith('"');
    const after = tokens[k + 2];
    const numericAfter = after !== undefined && 'field' in after && (after.field === 'status' || after.field === 'bytes');
    steps.push({ field: t.field, next, consume, quoted, numericAfter });
  }
  const kinds = new Set(steps.map((s) => s.field));
  if (!kinds.has('addr')) throw bad(format, 'no client address field ($remote_addr, %h or %a): the connecting address is needed, since a client header alone can be forged');
  const hasTime = kinds.has('time_clf') || kinds.has('time_iso') || kinds.has('time_epoch');
  const hasRequestLine = kinds.has('request');
  if (!hasRequestLine && !kinds.has('method') && !kinds.has('target')) throw bad(format, 'no request field ($request, %r, or method and uri)');
  const nSteps = steps.length;

  return (line: string, headers: ClientHeaders | null): ParsedHit | string => {
    if (line.length === 0) return 'blank';
    if (lead && !line.startsWith(lead)) return 'malformed';
    const hit = newHit('', hasTime ? NaN : NO_TIME);
    let request: string | null = null;
    let query = '';
    let pos = lead.length;
    for (let i = 0; i < nSteps; i++) {
      const s = steps[i]!;
      const f = s.field;
      let end: number;
      if (s.quoted) end = quotedEnd(line, pos, s.next, s.numericAfter);
      else if (f === 'time_clf') end = s.next === '' || line.startsWith(s.next, pos + CLF_TIME_LENGTH) ? pos + CLF_TIME_LENGTH : -1;
      else if (s.next === '') { end = line.indexOf(' ', pos); if (end < 0) end = line.length; }
      else if (f === 'time_iso') end = line.indexOf(s.next, pos + 19); // a space may separate date and time
      else if (f === 'ignore_list') end = listEnd(line, pos, s.next);
      else end = line.indexOf(s.next, pos);
      if (end < 0 || end > line.length) return 'malformed';
      switch (f) {
        case 'ignore': case 'ignore_list': break;
        case 'addr': {
          const ip = cachedCanonicalIp(line.slice(pos, end));
          if (ip === null) return 'bad-address';
          hit.ip = ip;
          break;
        }
        case 'time_clf': {
          const ts = parseClfTimeAt(line, pos);
          if (ts === null) return 'bad-time';
          hit.ts = ts;
          break;
        }
        case 'time_iso': {
          const ts = parseIsoTime(line.slice(pos, end));
          if (ts === null) return 'bad-time';
          hit.ts = ts;
          break;
        }
        case 'time_epoch': {
          const ts = end - pos > 24 ? null : epochToMs(Number(line.slice(pos, end)));
          if (ts === null) return 'bad-time';
          hit.ts = ts;
          break;
        }
        case 'status': {
          const n = end - pos > 3 ? -1 : digits(line, pos, end);
          if (n < 0) return 'bad-status';
          hit.status = n;
          break;
        }
        case 'bytes': {
          if (end - pos === 1 && line.charCodeAt(pos) === 45) { hit.bytes = 0; break; }
          const n = end - pos > 15 ? -1 : digits(line, pos, end);
          if (n < 0) return 'bad-bytes';
          hit.bytes = n;
          break;
        }
        case 'request': request = line.slice(pos, end); break;
        case 'query': query = decodeLogField(line.slice(pos, end), hit); break;
        case 'xff': case 'realip': case 'cdn': {
          if (headers === null || (end - pos === 1 && line.charCodeAt(pos) === 45)) break;
          const text = decodeLogField(line.slice(pos, end), hit);
          if (f === 'xff') headers.forwardedFor = text;
          else if (f === 'realip') headers.realIp = text;
          else headers.cdnIp = text;
          break;
        }
        default: {
          const text = end - pos === 1 && line.charCodeAt(pos) === 45 ? '' : decodeLogField(line.slice(pos, end), hit);
          if (f === 'method') hit.method = text;
          else if (f === 'target') hit.target = text;
          else if (f === 'protocol') hit.protocol = text;
          else if (f === 'referer') hit.referer = text;
          else if (f === 'ua') hit.ua = text;
          else if (f === 'host') hit.host = text;
        }
      }
      pos = s.consume ? end + s.next.length : end;
    }
    if (hit.ip === '') return 'bad-address';
    if (Number.isNaN(hit.ts)) return 'bad-time';
    if (request !== null) setRequestLine(hit, request, true);
    else {
      let target = hit.target;
      if (query !== '' && query !== '-' && target !== '' && target.indexOf('?') < 0) target += query.charCodeAt(0) === 63 ? query : `?${query}`;
      requestPartsInto(hit, hit.method, target, hit.protocol);
    }
    return hit;
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

/** End of an `$upstream_*` value: a `next` found right after ',' or before ': ' is inside the list. */
function listEnd(line: string, from: number, next: string): number {
  let end = line.indexOf(next, from);
  if (next !== ' ') return end;
  while (end > 0 && (line.charCodeAt(end - 1) === 44 || line.startsWith(': ', end + 1) || line.charCodeAt(end - 1) === 58)) {
    end = line.indexOf(next, end + 1);
  }
  return end;
}
