/* The static snapshot's front door: go to the language chosen before, else the browser's
   first of kk, ru, en, else Kazakh (the state language). The links stay for readers
   without script. */
(function () {
  "use strict";
  var langs = ["kk", "ru", "en"];
  var chosen = null;
  try { chosen = localStorage.getItem("saylau-lang"); } catch (e) { chosen = null; }
  if (langs.indexOf(chosen) < 0) {
    chosen = null;
    var wanted = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < wanted.length && !chosen; i++) {
      var primary = String(wanted[i]).toLowerCase().split("-")[0];
      if (langs.indexOf(primary) >= 0) { chosen = primary; }
    }
  }
  document.addEventListener("click", function (event) {
    var a = event.target instanceof Element ? event.target.closest("a[data-lang]") : null;
    if (a) {
      try { localStorage.setItem("saylau-lang", a.getAttribute("data-lang")); } catch (e) { /* private mode */ }
    }
  });
  if (chosen && !/[?&]choose\b/.test(location.search)) {
    location.replace(chosen + "/index.html");
  }
}());
