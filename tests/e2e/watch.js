// Test-only: records uncaught errors and Content Security Policy violations of a page, and of its
// same-origin frames (the simulator), on the top window, for the end-to-end tests to read.
// tests/e2e/site.py puts it first in every page it serves; in Chromium it is also an init script.
(() => {
  if (window.__watched) return;
  window.__watched = true;
  let top;
  try {
    top = window.top;
    top.__csp = top.__csp || [];  // throws in a cross-origin frame (the phone), which is not ours to watch
    top.__errors = top.__errors || [];
  } catch (e) {
    return;
  }
  document.addEventListener("securitypolicyviolation", (e) =>
    top.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  window.addEventListener("error", (e) => top.__errors.push(`${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener("unhandledrejection", (e) => top.__errors.push(`unhandled rejection: ${e.reason}`));
})();
