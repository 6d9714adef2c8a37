"""Errors that reach the user as one clear line, each with the exit code the CLI gives it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

DOCTOR_HINT = "check it with 'cryqueue doctor' or restore a backup with 'cryqueue restore BACKUP'"


class CryqueueError(Exception):
    """A failure the user can act on; the message says what went wrong and what to do."""

    exit_code = 1


class UsageError(CryqueueError):
    """The command or its input was wrong (bad value, unknown option)."""

    exit_code = 2


class LookupFailed(UsageError):
    """A TITLE matched no film, or more than one."""


def film_gone() -> LookupFailed:
    """A film asked for by id that another cryqueue (or the CLI) removed meanwhile."""
    return LookupFailed("that film is no longer in the library; it was removed")


class Abandoned(Exception):
    """Long work (reading a big list) stopped because the app is quitting or wants it anew."""


class DatabaseRefused(CryqueueError):
    """The database file cannot be used; it has been left exactly as it was."""


def damaged(
    path: Path | str | None, detail: str, error: type[CryqueueError] = CryqueueError
) -> CryqueueError:
    """A library that cannot be read as a cryqueue library: what was found, and what to do
    (the one wording, whoever finds it)."""
    where = f"{path} is damaged" if path is not None else "the library is damaged"
    return error(f"{where} ({detail}); {DOCTOR_HINT}")


def sqlite_failure(error: BaseException, path: Path | None) -> CryqueueError:
    """The one message for anything SQLite reported, whoever asked it (SQLAlchemy, the driver,
    the first-frame reader)."""
    text = str(error)
    if (
        "malformed" in text
        or "not a database" in text
        or not isinstance(error, sqlite3.OperationalError)
    ):
        return damaged(path, text)
    if "locked" in text or "busy" in text:
        return CryqueueError(
            "the database stayed busy (another cryqueue is writing); try again in a moment"
        )
    if "readonly" in text:
        return CryqueueError("the database is read-only; make it writable (chmod u+w)")
    if "disk" in text and "full" in text:
        return CryqueueError("the disk is full; free some space and try again")
    if "no such" in text or "decode" in text or "has no column" in text:
        return damaged(path, text)  # a table or column gone, text that is not UTF-8
    return CryqueueError(f"database error: {text}")
