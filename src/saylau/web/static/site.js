/* saylau public site: draws the charts (Vega-Lite specs from the server in each chart's
   data-spec attribute, run with Vega's CSP-safe expression interpreter), switches the map
   tabs, and remembers the language.
   No inline script anywhere: the pages' Content-Security-Policy forbids it. */
(function () {
  "use strict";

  var LANG_KEY = "saylau-lang";
  var TAB_KEY = "saylau-map";
  var localeSet = false;

  function setLocale() {
    if (localeSet || !window.vega) { return; }
    var el = document.getElementById("vega-locale");
    if (el) {
      try { window.vega.formatLocale(JSON.parse(el.textContent)); } catch (e) { console.error(e); }
    }
    localeSet = true;
  }

  function hiddenWithin(el) {
    for (var n = el; n; n = n.parentElement) { if (n.hidden) { return true; } }
    return false;
  }

  function draw(el) {
    if (el.getAttribute("data-rendered") || !window.vega || !window.vegaLite) { return; }
    if (hiddenWithin(el)) { return; }
    var source = el.getAttribute("data-spec");
    if (!source) { return; }
    el.setAttribute("data-rendered", "pending");
    setLocale();
    var vgSpec = window.vegaLite.compile(JSON.parse(source)).spec;
    var runtime = window.vega.parse(vgSpec, null, { ast: true });
    var view = new window.vega.View(runtime, {
      expr: window.vega.expressionInterpreter,
      renderer: "svg",
      container: el,
      hover: true
    });
    view.runAsync().then(function () {
      el.setAttribute("data-rendered", "true");
    }).catch(function (err) {
      el.setAttribute("data-rendered", "error");
      console.error(err);
    });
  }

  function drawAll(root) {
    var charts = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }

  function showTab(button) {
    var group = button.parentElement;
    var buttons = group.querySelectorAll("button[data-show]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var on = b === button;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      var figure = document.getElementById(b.getAttribute("data-show"));
      if (figure) { figure.hidden = !on; }
    }
    try { sessionStorage.setItem(TAB_KEY, button.getAttribute("data-show")); } catch (e) { /* private mode */ }
    drawAll(document);
  }

  function restoreTab() {
    var wanted = null;
    try { wanted = sessionStorage.getItem(TAB_KEY); } catch (e) { wanted = null; }
    if (!wanted) { return; }
    var button = document.querySelector('button[data-show="' + wanted.replace(/"/g, "") + '"]');
    if (button && button.getAttribute("aria-pressed") !== "true") { showTab(button); }
  }

  function ready() {
    restoreTab();
    drawAll(document);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var tab = target.closest("button[data-show]");
    if (tab) { showTab(tab); return; }
    var lang = target.closest("a[data-lang]");
    if (lang) {
      try { localStorage.setItem(LANG_KEY, lang.getAttribute("data-lang")); } catch (e) { /* private mode */ }
    }
  });

  // new content from a live update: htmx fires htmx:load on it (the swapped-out element,
  // which receives the request's own events, has left the document by then)
  document.addEventListener("htmx:load", function () { ready(); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
