"""Everything cryqueue writes (database and its journal, backups, exports, config) is readable only
by the user, even with a umask that would make it readable by all."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cryqueue.library import Library
from cryqueue.storage.config import save_config


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in sorted(root.rglob("*"))
    }


def test_every_file_cryqueue_writes_is_private(tmp_path: Path, cli: Any, open_umask: None) -> None:
    root = tmp_path / "private"
    db = root / "data" / "cq.db"
    exports = root / "exports"
    exports.mkdir(parents=True, mode=0o700)
    assert cli("watch", "Always", "--tears", "4", db=db)[0] == 0
    assert cli("backup", db=db)[0] == 0
    assert cli("backup", root / "data" / "named.bak", db=db)[0] == 0
    assert cli("export", "-o", exports / "ranking.md", db=db)[0] == 0
    assert cli("export", "--format", "json", "-o", exports / "all.json", db=db)[0] == 0
    assert cli("restore", root / "data" / "named.bak", db=db)[0] == 0
    save_config({"theme": "nord"}, root / "config" / "config.json")
    library = Library.open(db)  # while open, its journal files exist too
    try:
        library.set_note(library.find("Always").id, "private thoughts")
        found = modes(root)
    finally:
        library.close()

    assert found.pop("exports") == 0o700  # made by the test
    folders = {name for name in found if (root / name).is_dir()}
    assert folders == {"data", "config"}
    assert {found[name] for name in folders} == {0o700}
    files = {name: mode for name, mode in found.items() if name not in folders}
    assert {"data/cq.db-wal", "exports/ranking.md", "config/config.json"} <= files.keys()
    assert sum(name.endswith(".bak") for name in files) == 3  # dated, named, pre-restore
    readable_by_others = {name: oct(mode) for name, mode in files.items() if mode != 0o600}
    assert not readable_by_others
