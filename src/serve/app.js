// precwatch review UI: keyboard shortcuts only. No inline code anywhere (CSP).
"use strict";
(function () {
  function click(sel) {
    var el = document.querySelector(sel);
    if (el) { el.click(); return true; }
    return false;
  }
  function go(sel) {
    var a = document.querySelector(sel);
    if (a && a.href) { window.location.href = a.href; return true; }
    return false;
  }
  function toggleHelp(show) {
    var h = document.getElementById("help");
    if (h) { h.hidden = show === undefined ? !h.hidden : !show; }
  }
  function typing(t) {
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("help-toggle");
    if (b) { b.addEventListener("click", function () { toggleHelp(); }); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "Escape") {
      toggleHelp(false);
      if (typing(ev.target)) { ev.target.blur(); }
      return;
    }
    if (typing(ev.target)) { return; }
    var done = false;
    switch (ev.key) {
      case "j": case "n": done = go("#next") || go("#next-page"); break;
      case "k": case "p": done = go("#prev") || go("#prev-page"); break;
      case "c": case "f": case "e": case "u":
        done = click('button[data-key="' + ev.key + '"]'); break;
      case "/":
        var q = document.getElementById("q");
        if (q) { q.focus(); q.select(); done = true; } else { window.location.href = "/"; done = true; }
        break;
      case "?": toggleHelp(); done = true; break;
    }
    if (done) { ev.preventDefault(); }
  });
})();
