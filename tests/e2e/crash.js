// Test-only (test_harness.py): JavaScriptCore's WebAssembly crash in its own words, planted.
Promise.reject(new WebAssembly.RuntimeError("Out of bounds memory access (planted)"));
