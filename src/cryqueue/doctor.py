"""`cryqueue doctor`: check a database in plain words and, when asked, fix what is safe to fix.

Checks read the file through a read-only connection, so a check alone never changes it. A repair
backs the file up first and then runs in one transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import DatabaseRefused
from .schema import inspect_file

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
    repaired: list[str] = field(default_factory=list)

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
        report.problems.append(str(exc))
        return report
    if state.is_new:
        report.problems.append(f"{path} does not exist yet or is empty; nothing to check")
        return report
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_integrity(conn, report)
        if report.problems:
            return report
        _check_schema(conn, state.schema_version, report)
        _check_ranking(conn, report)
        _check_orphans(conn, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(
            f"the database is damaged and could not be read to the end ({exc}); "
            "restore a backup with 'cryqueue restore BACKUP'"
        )
    finally:
        conn.close()
    return report


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


def _check_schema(conn: sqlite3.Connection, version: int, report: Report) -> None:
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
    from sqlalchemy import text

    from .backup import backup_beside
    from .db import Database, make_engine
    from .ranking import assign_order

    before = check(path)
    if before.problems or not before.fixable:
        return before
    saved = backup_beside(path, "pre-repair")
    repaired = [f"kept a copy of the database as it was in {saved}"]
    db = Database(path, make_engine(path))
    try:
        with db.write() as session:
            for what, (table, condition) in ORPHANS.items():
                result = session.execute(text(f"DELETE FROM {table} WHERE {condition}"))
                if result.rowcount:  # type: ignore[attr-defined]
                    repaired.append(f"removed {result.rowcount} {what}")  # type: ignore[attr-defined]
            if any("ranking" in p for p in before.fixable):
                order = session.execute(
                    text("SELECT id FROM film ORDER BY rank_key IS NULL, rank_key, id")
                )
                assign_order(session, [row[0] for row in order])
                repaired.append("re-spaced the ranking keys, keeping the order")
    finally:
        db.close()
    after = check(path)
    after.repaired = repaired
    return after
