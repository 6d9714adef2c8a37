"""The command line starts light: `--version` and `--help` load neither SQLAlchemy nor Textual,
commands never Textual, and only `doctor` SQLAlchemy. Checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cryqueue import __version__

PROBE = """
import json, sys
from cryqueue.cli.commands import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loaded = {name.split(".")[0] for name in sys.modules}
print("\\n" + json.dumps({"code": code, "textual": "textual" in loaded, "sqlalchemy": "sqlalchemy" in loaded}))
"""


def run(
    args: list[str], tmp_path: Path, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "CRYQUEUE_DB": str(tmp_path / "cq.db"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = (
        [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "cryqueue", *args]
    )
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )


def probe(args: list[str], tmp_path: Path) -> dict[str, Any]:
    result = run(args, tmp_path, PROBE)
    assert "Traceback" not in result.stderr, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list", "--help"]])
def test_version_and_help_load_neither_sqlalchemy_nor_textual(
    args: list[str], tmp_path: Path
) -> None:
    assert probe(args, tmp_path) == {"code": 0, "textual": False, "sqlalchemy": False}
    assert not (tmp_path / "cq.db").exists()


@pytest.mark.parametrize(
    ("args", "code", "sqlalchemy"),
    [
        (["list"], 0, False),
        (["show", "Always"], 0, False),
        (["export", "-o", "-"], 0, False),
        (["remove", "Always"], 0, False),
        (["doctor"], 0, True),
    ],
)
def test_commands_do_not_load_textual(
    args: list[str], code: int, sqlalchemy: bool, tmp_path: Path
) -> None:
    # The others create the library, doctor checks it; doctor still loads SQLAlchemy, which
    # shows that the probe does see what a command imports.
    if args == ["doctor"]:
        assert run(["list"], tmp_path).returncode == 0
    assert probe(args, tmp_path) == {"code": code, "textual": False, "sqlalchemy": sqlalchemy}


def test_python_dash_m_cryqueue(tmp_path: Path) -> None:
    result = run(["--version"], tmp_path)
    assert (result.returncode, result.stdout) == (0, f"cryqueue {__version__}\n")
    result = run(["list"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].split()[:2] == ["1", "A"]
    assert result.stderr == ""


def test_refusal_in_a_real_process_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database, just some text that is long enough " * 4)
    before = bad.read_bytes()
    result = run(["list", "--db", str(bad)], tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert bad.read_bytes() == before


LAUNCH_PROBE = PROBE.replace(
    "from cryqueue.cli.commands import main", "from cryqueue.launch import main"
)
LAUNCH_PROBE = LAUNCH_PROBE.replace("code = main(sys.argv[1:])", "code = main()")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"]])
def test_entry_point_answers_version_and_help_with_only_sys_loaded(
    args: list[str], tmp_path: Path
) -> None:
    probe_code = LAUNCH_PROBE.replace(
        'loaded = {name.split(".")[0] for name in sys.modules}',
        'loaded = {name.split(".")[0] for name in sys.modules}\n'
        'print("\\nARGPARSE" if "argparse" in sys.modules else "\\nLEAN")',
    )
    result = run(args, tmp_path, probe_code)
    assert result.returncode == 0, result.stderr
    assert "LEAN" in result.stdout
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "textual": False, "sqlalchemy": False}


def test_pre_rendered_help_matches_argparse(monkeypatch: pytest.MonkeyPatch) -> None:
    from cryqueue.cli.help_text import TOP_LEVEL_HELP
    from cryqueue.cli.parser import build_parser

    monkeypatch.setenv("COLUMNS", "80")
    assert build_parser().format_help() == TOP_LEVEL_HELP, (
        "the CLI changed: run 'python scripts/write-help.py' to refresh src/cryqueue/cli/help_text.py"
    )


def test_entry_point_passes_other_commands_to_the_cli(tmp_path: Path) -> None:
    code = "import sys\nfrom cryqueue.launch import main\nsys.exit(main())"
    result = run(["list", "--format", "json"], tmp_path, code)
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["title"] == "A Moment to Remember"
    result = run(["tears", "Always", "9"], tmp_path, code)
    assert result.returncode == 2 and "out of range" in result.stderr


def test_a_command_that_loads_sqlalchemy_leaves_at_once_output_and_all(tmp_path: Path) -> None:
    """Such a command ends without tearing the interpreter down (0.2 s of unloading
    SQLAlchemy): its piped output must still arrive whole, its exit code stand, its change be
    kept, and what is registered to run at exit still run."""
    code = (
        "import atexit, sys\nfrom cryqueue.launch import main\n"
        "atexit.register(lambda: print('at exit', file=sys.stderr))\n"
        "code = main()\nprint('returned', file=sys.stderr)\nsys.exit(code)"
    )
    assert run(["list"], tmp_path).returncode == 0  # creates the library
    result = run(["doctor"], tmp_path, code)
    assert (result.returncode, result.stderr) == (0, "at exit\n")
    assert result.stdout.startswith("Checked ") and result.stdout.endswith("healthy.\n")
    result = run(["--db", str(tmp_path / "nowhere.db"), "doctor"], tmp_path, code)
    assert (result.returncode, result.stderr) == (1, "at exit\n")
    assert "does not exist yet or is empty" in result.stdout
    result = run(["tears", "Il Mare", "4"], tmp_path, code)  # SQLAlchemy-free: as ever
    assert (result.returncode, result.stderr) == (0, "returned\nat exit\n")
    assert result.stdout == "Tear level of Il Mare (2000): 4/5.\n"


def test_list_on_a_ready_library_loads_no_sqlalchemy(tmp_path: Path) -> None:
    """A library already set up is listed with sqlite3 alone, and lists the same."""
    first = run(["list", "--format", "json"], tmp_path)  # creates and seeds it (full open)
    assert first.returncode == 0
    assert probe(["list", "--format", "json"], tmp_path) == {
        "code": 0,
        "textual": False,
        "sqlalchemy": False,
    }
    again = run(["list", "--format", "json"], tmp_path)
    assert again.stdout == first.stdout
    watched = run(["list", "--watched"], tmp_path)
    assert watched.returncode == 0 and watched.stdout.strip() == "No films match."


EVERYDAY = """
import sys
from datetime import date
from pathlib import Path
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library

library = Library.open(Path(sys.argv[1]))
listing = library.listing()
first, second = listing.ids[0], listing.ids[1]
library.toggle_watched(first, date.today())
library.swap_tears(first, 3)
library.swap_rating(first, 4.5)
library.set_note(first, "rain", expected="")
library.retag(first, add=["rainy"])
library.reposition(first, 5)
library.move_past(first, second, up=True)
library.set_viewings(first, library.viewings(first))
library.change_viewing(first, None, date(2020, 1, 1), date.today())
library.edit_film(first, FilmFacts(title="Rain Again", year=2001))
for read in (library.details, library.get):
    read(first)
library.stats(), library.diary(), library.insights(), library.consensus_places()
library.export_text("json")
library.find("Always")
library.restore_film(library.remove_film(second))
print("sqlalchemy" in {name.split(".")[0] for name in sys.modules})
"""


def test_the_app_s_everyday_reads_and_writes_load_no_sqlalchemy(tmp_path: Path) -> None:
    """A key press's write (watched, tears, rating, note, tags, moves, undo, the diary) and every
    read the app makes run on the driver: SQLAlchemy and SQLModel stay out of the app's memory."""
    assert run(["list"], tmp_path).returncode == 0  # creates and seeds it (full open)
    result = run([str(tmp_path / "cq.db")], tmp_path, EVERYDAY)
    assert result.stdout.strip() == "False", result.stderr
    shown = run(["show", "Rain Again"], tmp_path).stdout
    assert "★★★★½" in shown or "4.5" in shown, shown


CREATE_AND_IMPORT = """
import sys
from pathlib import Path
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library

library = Library.open(Path(sys.argv[1]))  # a new library: created and seeded
summary = library.import_batch(library.read_import(Path(sys.argv[2])))
added = library.add_film(FilmFacts(title="Rain", year=2001))
print(summary.added, added.title, len(library.listing().ids))
print("sqlalchemy" in {name.split(".")[0] for name in sys.modules})
"""


def test_creating_a_library_importing_and_adding_load_no_sqlalchemy(tmp_path: Path) -> None:
    """A new library's tables come from the schema the models wrote out (`schema_text`), its
    catalog and an import's films are written on the driver, and so is a film the user adds:
    a first run and an import into a new library load no SQLAlchemy (half a second, 27 MiB)."""
    export = tmp_path / "films.json"
    films = [{"title": "Snow", "year": 2003}, {"title": "Sea", "year": 2004}]
    export.write_text(json.dumps({"format": "cryqueue", "version": 2, "films": films}))
    result = run([str(tmp_path / "new.db"), str(export)], tmp_path, CREATE_AND_IMPORT)
    assert result.stdout.split() == ["2", "Rain", "20", "False"], result.stderr
