"""What `make` installs into the venv before the project: the build backend pyproject.toml
names, and the editables it asks for to install in place, quoted for the shell. On a Python
older than pyproject's requires-python, one line saying so instead, and exit 1 (this runs on
the Python make was given, before any venv: it is read with no tomllib until it passes)."""

import re
import shlex
import sys
from pathlib import Path

TEXT = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
FOUND = re.search(r'^requires-python = ">=(\d+)\.(\d+)"', TEXT, re.MULTILINE)
LEAST = (int(FOUND.group(1)), int(FOUND.group(2))) if FOUND else (3, 0)
if sys.version_info < LEAST:
    sys.exit(
        "cryqueue needs Python {0}.{1} or newer, and {2} is {3}: run make PYTHON=python{0}.{1}"
        " (or newer)".format(*LEAST, sys.executable, sys.version.split()[0])
    )

import tomllib  # noqa: E402  (Python 3.11 and newer, which the check above made sure of)

print(*map(shlex.quote, [*tomllib.loads(TEXT)["build-system"]["requires"], "editables"]))
