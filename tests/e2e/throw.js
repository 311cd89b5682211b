// Test-only (test_harness.py): an uncaught error from a script of the page's own origin.
setTimeout(() => { throw new Error("planted error"); }, 0);
