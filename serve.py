#!/usr/bin/env python3
"""Set up, serve and build the CloudTalk phone app, with the standard library only.

    python3 serve.py                  # prepare vendor/ when needed, then serve on 127.0.0.1:8000
    python3 serve.py build DIR        # write a deployable static site to DIR
    python3 serve.py prepare          # only fetch and assemble vendor/

`vendor/` holds the self-hosted runtime (PyScript, Pyodide, MicroPython and the
Pyodide wheels of pydantic). It is fetched with `npm` and `pip`, checked against
the sha256 pins in serve_tools/pins.py, and never committed. The work is done by
the modules of serve_tools/; this is their command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from serve_tools import SetupError
from serve_tools.build import build
from serve_tools.prepare import prepare
from serve_tools.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("serve", "build", "prepare"), default="serve")
    parser.add_argument("dest", nargs="?", help="output folder for `build`")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--force", action="store_true", help="re-fetch the runtime even if it is current")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            if not args.dest:
                parser.error("build needs a destination folder: python3 serve.py build DIR")
            build(Path(args.dest))
        elif args.command == "prepare":
            prepare(force=args.force)
        else:
            prepare(force=args.force)
            serve(args.host, args.port)
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
