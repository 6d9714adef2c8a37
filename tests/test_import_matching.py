"""Matching holds the library's names as hashes: a hash only points at candidates."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import ImportRecord
from cryqueue.storage.import_matching import Known


def test_a_hash_shared_with_another_years_name_matches_nothing(db_path: Path) -> None:
    """Two names and years whose hashes collide: the record's year is one no film of the
    library has, so its candidates were never read; it is a new film, not an error."""
    with closing(sqlite3.connect(db_path)) as conn:
        known = Known.read(conn)
        ((fid,),) = conn.execute("SELECT min(id) FROM film")
        record = ImportRecord(FilmFacts("Nobody Filmed This", 1901))
        key = ("nobody filmed this", 1901)
        assert key[1] not in known.years
        known.by_name[hash(key)] = fid  # what a collision would leave there
        assert known.load(conn, [(record, key, None)]) == [False]
        assert known.match(record, key, None) == []
