#!/usr/bin/env bash
# The whole test suite, from a fresh machine: three browser engines (Chromium, Firefox ESR,
# WebKitGTK) from Debian, a virtual environment, the vendored runtime, then ruff and pytest (the
# core on CPython and inside Pyodide, serve.py, end to end in all three engines).
#   bash tests/run.sh [pytest args...]      the whole suite (what CI runs)
#   bash tests/run.sh --quick [pytest args...]   for local work: the same, end to end in Chromium only
#   E2E_ENGINES=chromium,firefox bash tests/run.sh   (the engines to drive)
#   E2E_OPTIMIZING_WASM=1 bash tests/run.sh   (every WebAssembly tier on; tests/e2e/engines.py)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--quick" ]; then
  shift
  export E2E_ENGINES=chromium
fi

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# command -> the Debian package that provides it
missing=()
for pair in chromium:chromium firefox-esr:firefox-esr WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
  step "Installing from Debian's packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "Python test environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
# --no-compile: Python compiles what the run imports as it imports it; compiling every installed
# module up front took 7 of this step's 18 s in a fresh environment.
.venv/bin/python -m pip install -q --no-compile --disable-pip-version-check -r tests/requirements.txt

step "Runtime (vendor/), fetched with npm and pip and checked against sha256 pins"
.venv/bin/python serve.py prepare
if [ ! -f vendor/test-wheels/.done ] || ! cmp -s tests/pyodide/requirements.txt vendor/test-wheels/.done; then
  rm -rf vendor/test-wheels
  .venv/bin/python -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps \
    --platform any --python-version 3.14 --implementation py --abi none \
    -d vendor/test-wheels -r tests/pyodide/requirements.txt
  cp tests/pyodide/requirements.txt vendor/test-wheels/.done
fi

step "axe-core for the accessibility checks (npm, pinned in tests/e2e/axe/package-lock.json)"
if ! cmp -s tests/e2e/axe/package-lock.json tests/e2e/axe/node_modules/.done 2>/dev/null; then
  npm ci --prefix tests/e2e/axe --silent --no-audit --no-fund
  cp tests/e2e/axe/package-lock.json tests/e2e/axe/node_modules/.done
fi

step "ruff check"
.venv/bin/ruff check .

step "pytest: the core (CPython, and inside Pyodide under Node.js), serve.py, end to end in Chromium, Firefox and WebKit"
# Three workers (pytest-xdist), the engines side by side: Chromium's tests on one, Firefox's on
# another, WebKit's a file at a time on whichever is free, then the tests that drive no browser, the
# core's run inside Pyodide first (tests/pyodide/test_in_pyodide.py; tests/e2e/session.py).
# --durations: the 20 slowest, where the time goes.
.venv/bin/python -m pytest -n 3 --durations=20 "$@"
