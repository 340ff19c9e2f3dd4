// Shows only the note that fits the requested path (404 page). Text is static; the path is only compared.
(function () {
  var ip = location.pathname.indexOf('/ip/') === 0;
  var hide = document.getElementById(ip ? 'page-note' : 'ip-note');
  if (hide) hide.hidden = true;
})();
