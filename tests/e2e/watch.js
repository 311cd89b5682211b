// Test-only: records uncaught errors and Content Security Policy violations of a page, and of its
// same-origin frames (the simulator), on the top window, for the end-to-end tests to read. Each record
// is also kept in the tab's sessionStorage, so that a reload or a navigation within the site keeps
// what earlier loads of the tab saw (window.__errors starts from it on every load).
// tests/e2e/site.py puts it first in every page it serves; in Chromium it is also an init script.
(() => {
  if (window.__watched) return;
  window.__watched = true;
  let top;
  try {
    top = window.top;
    if (!top.__errors) {  // throws in a cross-origin frame (the phone), which is not ours to watch
      let kept = {};
      try { kept = JSON.parse(top.sessionStorage.getItem("__watch") || "{}"); } catch (e) { /* storage blocked */ }
      top.__errors = kept.errors || [];
      top.__csp = kept.csp || [];
    }
  } catch (e) {
    return;
  }
  const record = (list, text) => {
    list.push(text);
    try { top.sessionStorage.setItem("__watch", JSON.stringify({errors: top.__errors, csp: top.__csp})); } catch (e) { /* full or blocked */ }
  };
  document.addEventListener("securitypolicyviolation", (e) =>
    record(top.__csp, `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  window.addEventListener("error", (e) => record(top.__errors, `${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener("unhandledrejection", (e) => record(top.__errors, `unhandled rejection: ${e.reason}`));
})();
