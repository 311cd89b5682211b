"""The one way this app's Python reaches JavaScript, in both interpreters, and the page basics they share.

Every module of the browser layer, and the boot script, takes `js` and the conversions from here;
none imports `pyodide`, `pyscript` or `js` itself. Pyodide's `pyodide.ffi` is the source where it
exists: the app, and the worker that makes the memory snapshot (which has no `pyscript` module). Under
MicroPython (py/boot.py, which loads this file as `ffi.py`) it is PyScript's `pyscript.ffi`, which
has the same `create_proxy` and a `to_js` that already turns dicts into plain objects.

    options = to_js({"scope": "./", "updateViaCache": "none"})   # a plain JS object, nested values too
    by_id("notice-close").addEventListener("click", keep(close))

It runs under MicroPython, so, like cloudtalk/config.py, it imports nothing but `js` and the FFI, and
has no type hints (MicroPython has no typing module).
"""

import js

try:  # Pyodide
    from pyodide.ffi import JsException, JsProxy, create_once_callable, create_proxy, jsnull
    from pyodide.ffi import to_js as _to_js

    def to_js(value):
        """A Python value as a JS one: a dict becomes a plain Object (not a Map), lists become Arrays."""
        return _to_js(value, dict_converter=js.Object.fromEntries)

except ImportError:  # MicroPython: the boot script
    from pyscript.ffi import create_proxy, to_js  # noqa: F401 - re-exported; its to_js makes plain Objects

    jsnull = None
    JsException = Exception
    JsProxy = object

    def create_once_callable(function):
        return create_proxy(function)


def runtime_api():
    """Pyodide's own JS API (the `pyodide` object), for the benchmark's memory figure; None under MicroPython."""
    try:
        import pyodide_js
    except ImportError:
        return None
    return pyodide_js


# ---------------------------------------------------------------- the page basics both interpreters use

_KEPT = []  # proxies handed to the browser for the page's lifetime; kept so they are never collected


def keep(handler):
    """A proxy of handler that lives as long as the page (set up once, never per message)."""
    proxy = create_proxy(handler)
    _KEPT.append(proxy)
    return proxy


def by_id(element_id):
    return js.document.getElementById(element_id)


def show_notice(text):
    """The page's notice bar (closed by its own button): for what the agent must know now."""
    by_id("notice-text").textContent = text
    by_id("notice").hidden = False
