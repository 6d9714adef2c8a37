"""`cryqueue doctor`: check a database in plain words and, when asked, fix what is safe to fix.

Checks read the file through a read-only connection, so a check alone never changes it. A repair
backs the file up first and then runs in one transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from cryqueue.domain.errors import DatabaseRefused
from cryqueue.domain.validate import iso_day
from cryqueue.storage import schema
from cryqueue.storage.database import driver_of, file_database
from cryqueue.storage.migrations import expected_shape
from cryqueue.storage.ranking import assign_order
from cryqueue.storage.schema import inspect_file
from cryqueue.storage.snapshots import backup_beside

# Rows whose film (or source) is gone: what they are, their table, and what marks them.
ORPHANS: dict[str, tuple[str, str]] = {
    "viewings of a missing film": ("viewing", "film_id NOT IN (SELECT id FROM film)"),
    "list rankings of a missing film or list": (
        "sourcerank",
        "film_id NOT IN (SELECT id FROM film) OR source_id NOT IN (SELECT id FROM source)",
    ),
    "relations to a missing film": (
        "relation",
        "film_id NOT IN (SELECT id FROM film) OR other_id NOT IN (SELECT id FROM film)",
    ),
}


@dataclass
class Report:
    """What a check found: `problems` need a look, `fixable` ones a repair can mend."""

    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fixable: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # triggers and views cryqueue never makes
    true_version: int | None = None  # when the stated schema version is wrong: the right one
    wrong_version: list[str] = field(default_factory=list)  # what says so, once found
    repaired: list[str] = field(default_factory=list)

    @property
    def unfit_to_restore(self) -> list[str]:
        """Why a backup must not replace a library: it cannot be read, it carries triggers or
        views, or its tables are not those of the version it states."""
        return self.problems + self.foreign + self.wrong_version

    @property
    def healthy(self) -> bool:
        return not self.problems and not self.fixable

    def lines(self) -> list[str]:
        out = [f"ok: {fact}" for fact in self.facts]
        out += [f"problem: {p}" for p in self.problems]
        out += [f"fixable: {p} (run 'cryqueue doctor --repair')" for p in self.fixable]
        out += [f"repaired: {r}" for r in self.repaired]
        if self.healthy:
            out.append("The database is healthy.")
        return out


def check(path: Path) -> Report:
    """Check `path` without writing to it."""
    report = Report()
    try:
        state = inspect_file(path)
    except DatabaseRefused as exc:
        stated = _stated_version(path)
        if stated is None or stated >= 1:  # not ours, unreadable, newer: nothing more to say
            report.problems.append(str(exc))
            return report
        state = schema.FileState(schema_version=stated, is_new=False)  # a version below 1
    if state.is_new:
        report.problems.append(f"{path} does not exist yet or is empty; nothing to check")
        return report
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_integrity(conn, report)
        if report.problems:
            return report
        _check_schema(conn, state.schema_version, report)
        if report.problems:
            return report
        _check_ranking(conn, report)
        _check_orphans(conn, report)
        _check_rows(conn, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(
            f"the database is damaged and could not be read to the end ({exc}); "
            "restore a backup with 'cryqueue restore BACKUP'"
        )
    finally:
        conn.close()
    return report


def _check_rows(conn: sqlite3.Connection, report: Report) -> None:
    """Values cryqueue cannot read back, found the way cryqueue reads them."""
    found = False
    for what, (table, column, readable, _repair) in DAMAGE.items():
        bad = _unreadable(conn, table, column, readable)
        if bad:
            found = True
            report.fixable.append(f"{len(bad)} {what}")
    if not found:
        report.facts.append("every title, note, tag and date can be read")


def _unreadable(
    conn: sqlite3.Connection, table: str, column: str, readable: Callable[[bytes | None], bool]
) -> list[int]:
    """The rowids whose `column` fails `readable` (given the stored bytes, None for NULL);
    none when an older schema has no such column yet."""
    if column not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
        return []
    cursor = conn.cursor()
    cursor.row_factory = None
    conn.text_factory = bytes
    try:
        rows = cursor.execute(f"SELECT rowid, {column} FROM {table}").fetchall()
    finally:
        conn.text_factory = str
    return [rowid for rowid, value in rows if not readable(value)]


def _utf8(value: bytes | None) -> bool:
    if value is None or not isinstance(value, bytes):
        return True
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _word_list(value: bytes | None) -> bool:
    try:
        words = json.loads(value or b"")
    except ValueError:
        return False
    return isinstance(words, list) and all(isinstance(w, str) for w in words)


def _day(value: bytes | None) -> bool:
    if not isinstance(value, bytes):  # NULL, or a number SQLite's affinity made of '20240101'
        return False
    return iso_day(value.decode("utf-8", "replace")) is not None


def _title(value: bytes | None) -> bool:
    return bool(value and value.strip())


# Values cryqueue cannot read back: what they are, where, the test, and the repair (SQL with
# ? for the rowid; None: the bytes are decoded with replacement characters and written back).
# Every text column of a film that cryqueue reads (lists and dates are checked below).
TEXT_COLUMNS = (
    "title", "original_title", "original_language", "kind", "director", "network", "country",
    "imdb_id", "synopsis", "key", "title_norm", "original_norm", "search_norm", "note",
)  # fmt: skip
DAMAGE: dict[str, tuple[str, str, Callable[[bytes | None], bool], str | None]] = {
    **{
        f"films whose {column.replace('_', ' ')} is not UTF-8 text": ("film", column, _utf8, None)
        for column in TEXT_COLUMNS
    },
    "films without a title": (
        "film",
        "title",
        _title,
        "UPDATE film SET title = 'Untitled film ' || id, title_norm = 'untitled film ' || id "
        "WHERE rowid = ?",
    ),
    "films whose tags are not a list of words": (
        "film",
        "tags_json",
        _word_list,
        "UPDATE film SET tags_json = '[]' WHERE rowid = ?",
    ),
    "films whose cast is not a list of names": (
        "film",
        "cast_json",
        _word_list,
        "UPDATE film SET cast_json = '[]' WHERE rowid = ?",
    ),
    "viewings whose date is not a date": (
        "viewing",
        "watched_on",
        _day,
        "DELETE FROM viewing WHERE rowid = ?",
    ),
}


def _check_integrity(conn: sqlite3.Connection, report: Report) -> None:
    found = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    if found == ["ok"]:
        report.facts.append("SQLite integrity check passed")
    else:
        report.problems.append(
            "SQLite integrity check failed ("
            + "; ".join(found[:3])
            + "); restore a backup with 'cryqueue restore BACKUP'"
        )


def _changed(shape: schema.Shape, version: int) -> list[str]:

    return schema.differences(shape, expected_shape(version))[1]


def _stated_version(path: Path) -> int | None:
    """The schema version a file of ours states, however wrong; None if it is not ours."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    return version if app_id == schema.APPLICATION_ID else None


def _check_schema(conn: sqlite3.Connection, version: int, report: Report) -> None:

    shape = schema.shape_of(conn)
    foreign, changed = schema.differences(shape, expected_shape(version))
    if changed:
        fits = [v for v in range(1, schema.SCHEMA_VERSION + 1) if not _changed(shape, v)]
        if fits:  # the tables of another version: only the stated number is wrong
            report.true_version = fits[-1]
            report.wrong_version.append(
                f"the schema version reads {version} but its tables are schema {fits[-1]}'s"
            )
            report.fixable += report.wrong_version
            changed = []
    report.problems += [
        f"{what}: not the tables of a cryqueue library at schema {version}; restore a backup "
        "with 'cryqueue restore BACKUP'"
        for what in changed
    ]
    report.foreign += foreign
    report.fixable += foreign
    if version == schema.SCHEMA_VERSION:
        report.facts.append(f"schema version {version} (current)")
    else:
        report.facts.append(
            f"schema version {version}; cryqueue brings it to {schema.SCHEMA_VERSION} on next start"
        )


def _check_ranking(conn: sqlite3.Connection, report: Report) -> None:
    films, distinct, nulls = conn.execute(
        "SELECT count(*), count(DISTINCT rank_key), count(*) - count(rank_key) FROM film"
    ).fetchone()
    if nulls or distinct != films - nulls:
        report.fixable.append(f"the ranking has {films - distinct} film(s) without a unique place")
        return
    crowded = conn.execute(
        "SELECT count(*) FROM (SELECT rank_key - lag(rank_key) OVER (ORDER BY rank_key) AS gap "
        "FROM film) WHERE gap < 2"
    ).fetchone()[0]
    if crowded:
        report.fixable.append(
            f"{crowded} ranking key(s) have no room left between neighbours (moves still work "
            "but re-space the whole list)"
        )
    else:
        report.facts.append(f"ranking: {films} films in one order, no ties")


def _check_orphans(conn: sqlite3.Connection, report: Report) -> None:
    found = False
    for what, (table, condition) in ORPHANS.items():
        count = conn.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()[0]
        if count:
            found = True
            report.fixable.append(f"{count} {what}")
    if not found:
        report.facts.append("no orphan rows")


def repair(path: Path) -> Report:
    """Back up, then mend what `check` marks fixable, in one transaction; re-check after."""
    before = check(path)
    if before.problems or not before.fixable:
        return before
    saved = backup_beside(path, "pre-repair")
    repaired = [f"kept a copy of the database as it was in {saved}"]
    db = file_database(path)
    try:
        with db.write() as session:
            driver = driver_of(session)
            assert isinstance(driver, sqlite3.Connection)  # doctor --repair: SQLite files
            repaired += _repair_schema(driver, before)
            repaired += _repair_rows(driver)
            for what, (table, condition) in ORPHANS.items():
                result = session.execute(text(f"DELETE FROM {table} WHERE {condition}"))
                if result.rowcount:  # type: ignore[attr-defined]
                    repaired.append(f"removed {result.rowcount} {what}")  # type: ignore[attr-defined]
            if any("ranking" in p for p in before.fixable):
                order = session.execute(
                    text("SELECT id FROM film ORDER BY rank_key IS NULL, rank_key, id")
                )
                assign_order(driver, [row[0] for row in order])
                repaired.append("re-spaced the ranking keys, keeping the order")
    finally:
        db.close()
    after = check(path)
    after.repaired = repaired
    return after


def _repair_schema(conn: sqlite3.Connection, before: Report) -> list[str]:
    """Drop triggers and views cryqueue never makes; set a wrong schema number right."""
    done = []
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
    ).fetchall():
        conn.execute(f"DROP {kind.upper()} {schema.quoted(name)}")
        done.append(f"dropped the {kind} {name!r}, which cryqueue does not make")
    if before.true_version is not None:
        conn.execute(f"PRAGMA user_version = {before.true_version}")
        done.append(f"set the schema version to {before.true_version}, which its tables are")
    return done


def _repair_rows(conn: sqlite3.Connection) -> list[str]:
    """Make every stored value readable again (the backup keeps them as they were)."""
    done = []
    for what, (table, column, readable, fix) in DAMAGE.items():
        bad = _unreadable(conn, table, column, readable)
        if not bad:
            continue
        if fix is None:
            conn.text_factory = bytes
            try:
                values = [
                    conn.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", (r,)).fetchone()[
                        0
                    ]
                    for r in bad
                ]
            finally:
                conn.text_factory = str
            conn.executemany(
                f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                [(v.decode("utf-8", "replace"), r) for v, r in zip(values, bad, strict=True)],
            )
        elif fix.startswith("DELETE FROM viewing"):
            done.append(_remove_viewings(conn, fix, bad, what))
            continue
        else:
            conn.executemany(fix, [(r,) for r in bad])
        done.append(f"mended {len(bad)} {what}")
    return done


def _remove_viewings(conn: sqlite3.Connection, fix: str, rowids: list[int], what: str) -> str:
    """Remove unreadable viewings; a film left with none is still watched, on a day not
    recorded (the backup keeps the dates as they were)."""
    marks = ", ".join("?" * len(rowids))
    films = [
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT film_id FROM viewing WHERE rowid IN ({marks})", rowids
        )
    ]
    conn.executemany(fix, [(r,) for r in rowids])
    conn.executemany(
        "UPDATE film SET watched_undated = 1 WHERE id = ? "
        "AND NOT EXISTS (SELECT 1 FROM viewing WHERE viewing.film_id = film.id)",
        [(f,) for f in films],
    )
    return f"removed {len(rowids)} {what} (their films stay watched)"
