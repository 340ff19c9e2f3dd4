import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { prng } from './prng.ts';

// A synthetic day of a public blog's combined access log, for the benchmark: ordinary visitors
// (a page and its assets, referers, returning readers), search-engine crawlers, and scanners walking
// a directory-guessing word list. The scanner paths and user agents come from dirsearch's lists in
// ../shared/corpus/wordlists/dirsearch/ when present (GPL: read at run time, never copied here),
// otherwise from the small built-in lists below. Lines are written in the order a server writes
// them: stamped with the request's start, logged when it ends, so they are a few seconds out of order.

export interface GenerateOptions {
  lines: number;
  out: string;
  seed?: number;
  /** 'realistic': about a third of the lines come from one-off visitors; 'distinct': every line has its own client. */
  clients?: 'realistic' | 'distinct';
  /** Folder with dicc.txt and user-agents.txt (dirsearch); absent → built-in lists. */
  wordlists?: string;
  startMs?: number;
  spanMs?: number;
}

export interface GenerateResult { lines: number; bytes: number; scannerPaths: number; source: 'dirsearch' | 'built-in' }

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
];
const CRAWLERS: [string, string][] = [
  ['66.249.66.', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ['157.55.39.', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['17.241.219.', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)'],
  ['5.255.231.', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'],
  ['54.36.148.', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
];
const BUILTIN_SCANNER_PATHS = [
  '.env', '.git/config', '.git/HEAD', 'wp-login.php', 'wp-admin/', 'administrator/', 'phpmyadmin/', 'admin/', 'admin.php', 'login.php',
  'config.php', 'config.php.bak', 'backup.zip', 'backup.sql', 'db.sql', 'dump.sql', '.htaccess', '.htpasswd', 'server-status', 'xmlrpc.php',
  'vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', 'cgi-bin/test.cgi', 'wp-config.php.bak', '.DS_Store', 'info.php', 'phpinfo.php',
  'api/v1/users', 'actuator/env', 'console/', 'manager/html', 'solr/admin/', 'jenkins/login', '.aws/credentials', 'storage/logs/laravel.log',
];
const BUILTIN_SCANNER_UAS = ['Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101 Firefox/91.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'curl/8.5.0'];
const SLUGS = Array.from({ length: 400 }, (_, i) => `post-${i}-${(i * 7919).toString(36)}`);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function readList(dir: string | undefined, name: string): string[] | null {
  if (!dir || !existsSync(`${dir}/${name}`)) return null;
  return readFileSync(`${dir}/${name}`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

interface Session { ip: string; ua: string; left: number; kind: 'visitor' | 'crawler' | 'scanner' | 'bot'; page: string; next: number }

export function generateLog(o: GenerateOptions): GenerateResult {
  const r = prng(o.seed ?? 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const words = readList(o.wordlists, 'dicc.txt');
  const scannerUas = readList(o.wordlists, 'user-agents.txt') ?? BUILTIN_SCANNER_UAS;
  const scannerPaths = (words ?? BUILTIN_SCANNER_PATHS).map((w) => `/${w.replace(/%EXT%/g, pick(['php', 'asp', 'jsp', 'html']))}`.replace(/^\/+/, '/'));
  const start = o.startMs ?? Date.UTC(2026, 4, 1);
  const span = o.spanMs ?? 86_400_000;
  const distinct = o.clients === 'distinct';
  let nextAddr = 0;
  const freshIp = (): string => {
    // walks 1.0.0.0 upward with a stride, skipping nothing fancy: public-looking and unique
    const n = 16_777_216 + ((nextAddr++ * 2654435761) % 3_000_000_000);
    if (!distinct && r() < 0.04) return `2a01:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}::${Math.floor(r() * 65535).toString(16)}`;
    return `${(n >>> 24) & 255 || 1}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${(n & 255) || 1}`;
  };
  const returning: string[] = [];
  // sessions per kind; each line first picks a kind by its share of the traffic, then one of its sessions
  const active: Record<Session['kind'], Session[]> = { visitor: [], crawler: [], scanner: [], bot: [] };
  const SHARE: [Session['kind'], number, number][] = [['visitor', 0.86, 300], ['crawler', 0.08, 6], ['scanner', 0.035, 4], ['bot', 0.025, 8]];
  const newSession = (kind: Session['kind']): Session => {
    if (kind === 'visitor') {
      const back = !distinct && returning.length > 1000 && r() < 0.3;
      const ip = back ? pick(returning) : freshIp();
      if (!back) { if (returning.length < 100_000) returning.push(ip); else returning[Math.floor(r() * returning.length)] = ip; }
      return { ip, ua: pick(BROWSERS), left: distinct ? 1 : 1 + Math.floor(r() * 4), kind, page: `/blog/${pick(SLUGS)}/`, next: 0 };
    }
    if (kind === 'crawler') {
      const [prefix, ua] = pick(CRAWLERS);
      return { ip: distinct ? freshIp() : `${prefix}${1 + Math.floor(r() * 250)}`, ua, left: distinct ? 1 : 20 + Math.floor(r() * 100), kind, page: '/', next: 0 };
    }
    if (kind === 'scanner') return { ip: freshIp(), ua: pick(scannerUas), left: distinct ? 1 : 50 + Math.floor(r() * 400), kind, page: '', next: Math.floor(r() * scannerPaths.length) };
    return { ip: freshIp(), ua: pick(['', 'Mozilla/5.0', ...BROWSERS]), left: distinct ? 1 : 2 + Math.floor(r() * 20), kind, page: pick(['/wp-login.php', '/xmlrpc.php', '/.env', '/?author=1']), next: 0 };
  };

  const fd = openSync(o.out, 'w');
  let bytes = 0;
  let buf: string[] = [];
  const flush = () => {
    const s = buf.join('');
    bytes += Buffer.byteLength(s);
    writeSync(fd, s);
    buf = [];
  };
  try {
    for (let i = 0; i < o.lines; i++) {
      const x = r();
      let acc = 0;
      let kind: Session['kind'] = 'visitor';
      let open = 1;
      for (const [k, share, concurrent] of SHARE) { acc += share; if (x < acc) { kind = k; open = concurrent; break; } }
      const pool = active[kind];
      if (pool.length < (distinct ? 1 : open)) pool.push(newSession(kind));
      const si = Math.floor(r() * pool.length);
      const s = pool[si]!;
      let method = 'GET';
      let path: string;
      let status = 200;
      let referer = '-';
      switch (s.kind) {
        case 'visitor': {
          const y = r();
          if (y < 0.35) { path = s.page = r() < 0.2 ? '/' : `/blog/${pick(SLUGS)}/`; referer = r() < 0.3 ? 'https://www.google.com/' : '-'; }
          else if (y < 0.55) { path = `/img/${Math.floor(r() * 300)}.jpg`; referer = `https://blog.example.org${s.page}`; }
          else if (y < 0.7) { path = pick(['/css/site.css', '/js/app.js', '/fonts/inter.woff2']); referer = `https://blog.example.org${s.page}`; status = r() < 0.4 ? 304 : 200; }
          else if (y < 0.75) { path = pick(['/favicon.ico', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png']); status = r() < 0.7 ? 404 : 200; }
          else if (y < 0.8) { path = s.page.replace(/\/$/, ''); status = 301; }
          else if (y < 0.82) { path = `/blog/${pick(SLUGS)}/old-link`; status = 404; }
          else if (y < 0.85) { path = '/feed.xml'; }
          else { path = `/tag/${pick(['linux', 'web', 'security', 'notes'])}/?page=${1 + Math.floor(r() * 5)}`; }
          break;
        }
        case 'crawler':
          path = r() < 0.05 ? '/robots.txt' : `/blog/${pick(SLUGS)}/`;
          status = r() < 0.03 ? 404 : 200;
          break;
        case 'scanner':
          path = scannerPaths[s.next++ % scannerPaths.length]!;
          status = r() < 0.92 ? 404 : pick([200, 301, 403]);
          break;
        default:
          path = s.page;
          if (path === '/wp-login.php' || path === '/xmlrpc.php') method = r() < 0.7 ? 'POST' : 'GET';
          status = path === '/?author=1' ? 301 : 404;
      }
      // stamped with the start of the request, written at its end
      const ts = start + Math.floor((i / o.lines) * span) - Math.floor(r() < 0.05 ? r() * 20_000 : r() * 1500);
      buf.push(`${s.ip} - - [${clfTime(ts)}] "${method} ${path} HTTP/1.1" ${status} ${status === 304 ? 0 : 200 + Math.floor(r() * 40_000)} "${referer}" "${s.ua}"\n`);
      if (--s.left <= 0) pool.splice(si, 1);
      if (buf.length >= 8192) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { lines: o.lines, bytes, scannerPaths: scannerPaths.length, source: words ? 'dirsearch' : 'built-in' };
}
