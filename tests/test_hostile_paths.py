"""Odd `--db` paths and damaged libraries: a path is a path, a damaged file is one clear line
naming `cryqueue doctor`, never a traceback, and nothing is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli


@pytest.mark.parametrize("name", ["a%20b/c.db", "lib?mode=rwc", "x#y.db", "file:z.db"])
def test_a_db_path_with_url_syntax_is_that_file(cli: Cli, tmp_path: Path, name: str) -> None:
    target = tmp_path / "p" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    code, _out, err = cli("watch", "Il Mare", db=target)  # through SQLAlchemy
    assert code == 0, err
    code, out, err = cli("list", "--watched", db=target)  # through the first-frame reader
    assert code == 0, err
    assert "Il Mare" in out
    top = tmp_path / "p"
    made = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    assert made == [name]
