"""Mutation testing of the pure core with mutmut: do the unit tests catch wrong code?

    .venv/bin/python tests/mutation/run.py [module ...]   # e.g. events calls; default: the whole core

mutmut derives module names from paths under ./ or src/, and the core lives in py/, so this
lays out a fresh scratch workspace (.mutation/: src/cloudtalk plus tests/unit), runs `mutmut
run` there, and prints the score and every surviving mutant. Fresh each time: mutmut's cache
does not retest a survivor when only the tests changed. `mutmut show <name>` inside .mutation/
prints a survivor's diff. It reports; it never fails on the score. About 11 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
CORE = ROOT / "py" / "cloudtalk"
# The browser layer imports `js`; the e2e suite covers it. config.py also runs under MicroPython.
NOT_MUTATED = ("browser/*",)

PYPROJECT = """\
[tool.pytest.ini_options]
testpaths = ["tests/unit"]
addopts = "-p no:cacheprovider -q"

[tool.mutmut]
source_paths = ["src/cloudtalk"]
do_not_mutate = [{excluded}]
pytest_add_cli_args_test_selection = ["tests/unit"]
"""


def lay_out(modules: list[str]) -> None:
    """Copy the core and its unit tests into a fresh workspace."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(CORE, WORK / "src" / "cloudtalk", ignore=shutil.ignore_patterns("__pycache__", "browser"))
    tests = WORK / "tests"
    shutil.copytree(ROOT / "tests" / "unit", tests / "unit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "fixtures", tests / "fixtures")
    shutil.copy2(ROOT / "tests" / "conftest.py", tests / "conftest.py")
    (tests / "__init__.py").write_text("")
    excluded = [f"src/cloudtalk/{pattern}" for pattern in NOT_MUTATED]
    if modules:  # mutate only the named modules
        excluded += [f"src/cloudtalk/{p.name}" for p in CORE.glob("*.py") if p.stem not in modules]
    (WORK / "pyproject.toml").write_text(PYPROJECT.format(excluded=", ".join(f'"{e}"' for e in excluded)))


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("mutmut")), *args]
    return subprocess.run(command, cwd=WORK, capture_output=True, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="core modules to mutate (default: all of py/cloudtalk/*.py)")
    args = parser.parse_args()
    lay_out(args.modules)
    run = mutmut("run", "--max-children", "2")
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        return run.returncode
    listing = mutmut("results", "--all", "true").stdout
    statuses = Counter()
    survivors = []
    for line in listing.splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match:
            name, status = match.groups()
            statuses[status.strip()] += 1
            if status.strip() == "survived":
                survivors.append(name)
    killed = statuses["killed"] + statuses["timeout"]
    judged = killed + statuses["survived"]
    print(f"mutants: {sum(statuses.values())} ({', '.join(f'{n} {s}' for s, n in statuses.most_common())})")
    if judged:
        print(f"score: {killed}/{judged} killed = {killed / judged:.1%}")
    for name in survivors:
        print("survived:", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
