// "Today's score" on a report page. The page states the report's score at the last offending request
// and the dates it decays below the lines that matter, so it stays true without a nightly rebuild; this
// works out today's value in the visitor's browser from the same numbers, as the pipeline does
// (src/score/score.ts: halved every half-life, counted in whole days, rounded down; DNSBL points on top,
// never above 100). Without JavaScript the dates on the page say the same. Numbers only, no markup.
(function (root) {
  'use strict';
  var DAY = 86400000;

  function today(raw, last, half, extra, now) {
    var days = now <= last ? 0 : Math.floor((now - last) / DAY);
    var evidence = raw <= 0 ? 0 : days === 0 || !(half > 0) ? Math.floor(raw) : Math.floor(raw * Math.pow(0.5, days / half));
    return { evidence: evidence, score: Math.min(100, evidence + Math.max(0, Math.min(extra, 100 - evidence))) };
  }

  function verdict(score) {
    return score >= 80 ? 'critical' : score >= 60 ? 'high' : score >= 40 ? 'elevated' : score >= 1 ? 'low' : 'none';
  }

  function wire(doc, now) {
    var els = doc.querySelectorAll('[data-score-now]');
    Array.prototype.forEach.call(els, function (el) {
      var n = function (k) { return Number(el.getAttribute('data-' + k)); };
      var raw = n('raw'), last = n('last'), half = n('half'), extra = n('extra'), threshold = n('threshold');
      if (![raw, last, half, extra, threshold].every(isFinite)) return;
      var t = today(raw, last, half, extra, now);
      el.textContent = ' Today (' + new Date(now).toISOString().slice(0, 10) + '): ' + t.score + '/100, ' + verdict(t.score) +
        (t.evidence < threshold ? '; below ' + threshold + ', so the next nightly run takes it off the blocklists.' : '.');
      el.hidden = false;
    });
  }

  root.PilloryScore = { today: today, verdict: verdict, wire: wire };
  if (root.document) {
    var run = function () { wire(root.document, Date.now()); };
    if (root.document.readyState === 'loading') root.document.addEventListener('DOMContentLoaded', run);
    else run();
  }
})(typeof window !== 'undefined' ? window : globalThis);
