// "Check any address": normalises what the visitor typed (IPv4, IPv6 in any notation, [v6]:port,
// zone ids, IPv4-mapped, the dash slug form) and goes to its report or to the "no record" answer.
// IPv4 reports are at /ip/<address>/; IPv6 actors may be networks, so a small shard listing the
// published IPv6 keys of the same /32 is fetched to find the one containing the address.
// Runs without any server and never puts the input into markup.
(function (root) {
  'use strict';
  var MAX = 100;

  function v4(s) {
    var p = s.split('.');
    if (p.length !== 4) return null;
    for (var i = 0; i < 4; i++) {
      if (!/^(0|[1-9][0-9]{0,2})$/.test(p[i]) || Number(p[i]) > 255) return null;
    }
    return p.map(Number).join('.');
  }

  // eight 16-bit groups, or null
  function groups6(s) {
    var str = s.toLowerCase();
    var last = str.lastIndexOf(':');
    var tail = str.slice(last + 1);
    if (tail.indexOf('.') >= 0) {
      var q = v4(tail);
      if (!q) return null;
      var o = q.split('.').map(Number);
      str = str.slice(0, last + 1) + ((o[0] << 8) | o[1]).toString(16) + ':' + ((o[2] << 8) | o[3]).toString(16);
    }
    if (!/^[0-9a-f:]+$/.test(str)) return null;
    var parts = str.split('::');
    if (parts.length > 2) return null;
    var head = parts[0] ? parts[0].split(':') : [];
    var rest = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
    var fill = parts.length === 2 ? 8 - head.length - rest.length : 0;
    if (parts.length === 2 && fill < 1) return null;
    if (parts.length === 1 && head.length !== 8) return null;
    var all = head.concat(new Array(fill).fill('0'), rest);
    var out = [];
    for (var i = 0; i < all.length; i++) {
      if (!/^[0-9a-f]{1,4}$/.test(all[i])) return null;
      out.push(parseInt(all[i], 16));
    }
    return out.length === 8 ? out : null;
  }

  // RFC 5952: lower case, longest run (of two or more) of zero groups compressed, first on a tie
  function compress(g) {
    var best = -1, bestLen = 1;
    for (var i = 0; i < 8;) {
      if (g[i] !== 0) { i++; continue; }
      var j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen) { best = i; bestLen = j - i; }
      i = j;
    }
    var hex = g.map(function (x) { return x.toString(16); });
    if (best < 0) return hex.join(':');
    return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
  }

  /** { family, address } in canonical form, or null when the text is not an address. */
  function normalise(input) {
    if (typeof input !== 'string' || input.length > MAX) return null;
    var s = input.trim();
    if (s.charAt(0) === '[') {
      var end = s.indexOf(']');
      if (end < 0) return null;
      var after = s.slice(end + 1);
      if (after !== '' && !/^:[0-9]{1,5}$/.test(after)) return null;
      s = s.slice(1, end);
    } else if (/^[0-9.]+:[0-9]{1,5}$/.test(s)) {
      s = s.slice(0, s.lastIndexOf(':'));
    }
    var pct = s.indexOf('%');
    if (pct >= 0) s = s.slice(0, pct);
    // the slug form of an IPv6 address, as it appears in report URLs
    if (s.indexOf(':') < 0 && s.indexOf('-') >= 0 && /^[0-9a-fA-F-]+$/.test(s)) s = s.replace(/-/g, ':');
    var a = v4(s);
    if (a) return { family: 4, address: a };
    var g = groups6(s);
    if (!g) return null;
    if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
      return { family: 4, address: [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join('.') };
    }
    return { family: 6, address: compress(g) };
  }

  function slugOf(key) {
    return key.replace(/:/g, '-').replace('/', '-');
  }

  function reportPath(key) {
    return '/ip/' + slugOf(key) + '/';
  }

  /** Shard file of an IPv6 address: its first 32 bits as eight hex digits. */
  function shardOf(address) {
    var g = groups6(address);
    return g ? ('000' + g[0].toString(16)).slice(-4) + ('000' + g[1].toString(16)).slice(-4) : null;
  }

  /** The published key (address or network) that contains `address`, from a shard's key list. */
  function findIn(keys, address) {
    var g = groups6(address);
    if (!g) return null;
    for (var i = 0; i < keys.length; i++) {
      var k = String(keys[i]);
      var slash = k.indexOf('/');
      var net = groups6(slash < 0 ? k : k.slice(0, slash));
      var len = slash < 0 ? 128 : Number(k.slice(slash + 1));
      if (!net || !(len >= 0 && len <= 128)) continue;
      var ok = true;
      for (var b = 0; b < 8 && ok; b++) {
        var bits = Math.min(16, Math.max(0, len - b * 16));
        if (bits === 0) break;
        var mask = (0xffff << (16 - bits)) & 0xffff;
        if ((g[b] & mask) !== (net[b] & mask)) ok = false;
      }
      if (ok) return k;
    }
    return null;
  }

  function go(input, say) {
    var n = normalise(input);
    if (!n) { say('“' + String(input).slice(0, 60) + '” is not an IPv4 or IPv6 address.'); return; }
    if (n.family === 4) { root.location.assign(reportPath(n.address)); return; }
    say('Looking up ' + n.address + '…');
    root.fetch('/search/v6/' + shardOf(n.address) + '.json', { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; })
      .then(function (keys) {
        var hit = Array.isArray(keys) ? findIn(keys, n.address) : null;
        root.location.assign(reportPath(hit || n.address));
      });
  }

  function wire(doc) {
    var forms = doc.querySelectorAll('form[data-search]');
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector('input[name="q"]');
      var out = form.querySelector('output');
      var say = function (msg) { if (out) out.textContent = msg; };
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        go(input ? input.value : '', say);
      });
    });
    // /search/?q=… (a form submitted before this script ran)
    var page = doc.querySelector('[data-search-page]');
    if (page) {
      var q = new URLSearchParams(root.location.search).get('q');
      var pageOut = page.querySelector('output');
      if (q) go(q, function (msg) { if (pageOut) pageOut.textContent = msg; });
    }
  }

  root.PillorySearch = { normalise: normalise, slugOf: slugOf, shardOf: shardOf, findIn: findIn, reportPath: reportPath };
  if (root.document) {
    if (root.document.readyState === 'loading') root.document.addEventListener('DOMContentLoaded', function () { wire(root.document); });
    else wire(root.document);
  }
})(typeof window !== 'undefined' ? window : globalThis);
