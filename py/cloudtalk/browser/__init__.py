"""The browser layer: the only code that imports `js`, `pyscript` or `pyodide`.

`phone` takes the phone over from the boot script, `storage` adapts localStorage,
and the view modules (`contact`, `timeline`, `panels`, `alerts`, `router`) render
the core's state. `dom` holds the few DOM helpers they share.
"""
