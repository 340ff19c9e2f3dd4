// Shows only the note that fits the requested path (404 page). For /ip/<something>/ it names the
// address, but only after PillorySearch.normalise() accepted it as one, and only as text: a crafted
// link cannot put its own words or markup on this page.
(function () {
  var m = /^\/ip\/([^/]{1,100})\/?$/.exec(location.pathname);
  var hide = document.getElementById(m || location.pathname.indexOf('/ip/') === 0 ? 'page-note' : 'ip-note');
  if (hide) hide.hidden = true;
  if (!m || !window.PillorySearch) return;
  var raw;
  try { raw = decodeURIComponent(m[1]); } catch (e) { return; }
  var n = window.PillorySearch.normalise(raw);
  var slot = document.getElementById('ip-addr');
  if (n && slot) slot.textContent = n.address;
})();
