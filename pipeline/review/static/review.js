// Keyboard review: Enter accept, 1-9 alternative, e edit, k keep, u undo, n/p next/previous.
(function () {
  "use strict";
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.href; return true; }
    return false;
  }
  var box = document.getElementById("value");
  var submitted = false;
  window.addEventListener("pageshow", function () { submitted = false; });  // back/forward cache
  document.addEventListener("submit", function (event) {
    if (submitted) { event.preventDefault(); return; }  // one decision per page load
    submitted = true;
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var typing = event.target && (event.target.tagName === "INPUT" || event.target.tagName === "TEXTAREA");
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); event.preventDefault(); }
      return;  // Enter in the correction box submits its own form
    }
    var done = false;
    if (event.key === "Enter") done = click("#accept") || follow("#start");
    else if (/^[1-9]$/.test(event.key)) done = click('button.pick[data-key="' + event.key + '"]');
    else if (event.key === "e" && box) { box.focus(); box.select(); done = true; }
    else if (event.key === "k") done = click("#keep");
    else if (event.key === "u") done = click("#undo");
    else if (event.key === "n") done = follow("#next");
    else if (event.key === "p") done = follow("#prev");
    if (done) event.preventDefault();
  });
})();
