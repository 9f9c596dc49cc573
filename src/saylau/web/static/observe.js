// The observer's phone form (issue 12): collects one part of the form and sends it to the
// API with the observer's token as a bearer; the answer (or the error, naming each field) is
// read out in the status line. No inline script, no eval (the site's CSP).
"use strict";
(function () {
  const form = document.getElementById("obs-form");
  if (!form) return;
  const result = document.getElementById("obs-result");
  function say(text) { result.textContent = text; }
  function value(el) {
    if (el.dataset.type === "integer") return el.value === "" ? undefined : Number(el.value);
    if (el.type === "radio") return el.value === "true";
    return el.value === "" ? undefined : el.value;
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const part = event.submitter ? event.submitter.value : "";
    const token = form.elements.token.value.trim();
    const station = form.elements.station.value.trim().toUpperCase();
    const values = {};
    let ref;
    for (const el of form.querySelectorAll("[name^='" + part + ".']")) {
      if (el.type === "radio" && !el.checked) continue;
      const key = el.name.slice(part.length + 1);
      const v = value(el);
      if (v === undefined) continue;
      if (key === "__ref") { ref = v; continue; }
      values[key] = v;
    }
    const url = part === "copy" ? form.dataset.copies : form.dataset.api + "/reports";
    const body = part === "copy" ? { station: station, figures: values }
      : { station: station, form: part, answers: values };
    if (ref) body.ref = ref;
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
        body: JSON.stringify(body),
      });
      const data = await r.json();
      if (r.ok) {
        say(data.status + ": " + data.slot + " v" + data.version);
      } else {
        const e = data.error || {};
        const findings = (e.details && e.details.findings) || [];
        say((e.message || r.status) + (findings.length ? " — " + findings.map(function (f) {
          return f.field + ": " + (f.message || f.expected);
        }).join("; ") : ""));
      }
    } catch (err) {
      say(String(err));
    }
  });
})();
