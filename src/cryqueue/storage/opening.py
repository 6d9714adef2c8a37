"""Opening a library: refuse files that are not ours (leaving them untouched), create and
seed new ones privately, and migrate old ones after a backup."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cryqueue.domain.errors import CryqueueError, DatabaseRefused, sqlite_failure
from cryqueue.storage import schema
from cryqueue.storage.database import BUSY_TIMEOUT_MS, Database, file_database
from cryqueue.storage.fast_read import holds_current_catalog
from cryqueue.storage.location import Location, ServerUrl
from cryqueue.storage.paths import ensure_private_dir
from cryqueue.storage.schema import inspect_file
from cryqueue.storage.snapshots import backup_before_migration

# Creating, migrating and seeding a library read the schema and the catalog; they are imported
# where they are needed, so that opening a current library does not.


def open_database(location: Location) -> Database:
    """Open (creating, migrating and seeding as needed) the library at `location`."""
    if isinstance(location, ServerUrl):
        return _open_server(location)
    path = location.expanduser()
    try:
        ensure_private_dir(path.parent)
    except OSError as exc:
        raise DatabaseRefused(
            f"cannot create the data folder {path.parent}: {exc.strerror}; "
            "pass --db with a path in a writable folder"
        ) from None
    state = inspect_file(path)
    if state.is_new:
        _create(path)
    elif state.schema_version < schema.SCHEMA_VERSION:
        _migrate(path, state.schema_version)
    return _seeded(file_database(path))


def _open_server(url: ServerUrl) -> Database:
    """A library in a PostgreSQL database: created (or checked) and seeded as a file is."""
    from cryqueue.storage.pg import server_database  # psycopg: only for a server library
    from cryqueue.storage.server_setup import prepare

    db = server_database(url)
    try:
        prepare(db, url)
    except db.errors as exc:
        db.close()
        raise db.failure(exc) from None
    except CryqueueError:
        db.close()
        raise
    return _seeded(db)


def _seeded(db: Database) -> Database:
    """`db` with the current catalog in it; closed if seeding fails (its errors come as
    messages naming the library and doctor)."""
    try:
        with db.reading() as driver:
            seeded = holds_current_catalog(driver)
        if not seeded:
            from cryqueue.storage.seeding import seed_catalog

            seed_catalog(db)
    except CryqueueError:
        db.close()
        raise
    return db


def _create(path: Path) -> None:
    """Create the schema in a fresh private file (through a link: the link's target, 0600
    like any file cryqueue creates, whatever the umask)."""
    if not path.exists():
        try:
            fd = os.open(os.path.realpath(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another cryqueue created it just now; fine, the schema step below is idempotent
        except OSError as exc:
            raise DatabaseRefused(
                f"cannot create {path}: {exc.strerror}; pass --db with a writable path"
            ) from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID:
            conn.execute("ROLLBACK")  # created by a concurrent cryqueue meanwhile
            return
        from cryqueue.storage.migrations import schema_statements

        for statement in schema_statements():
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _migrate(path: Path, version: int) -> None:
    """Step the file to the current schema in one transaction, after checking that it has the
    shape of its version and backing it up; a failure leaves the file and no backup behind."""

    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    backup: Path | None = None
    try:
        conn.execute("BEGIN IMMEDIATE")
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current >= schema.SCHEMA_VERSION:
            conn.execute("ROLLBACK")  # another cryqueue migrated it meanwhile
            return
        from cryqueue.storage.migrations import MIGRATIONS, refuse_foreign_shape, settle

        refuse_foreign_shape(conn, current, path)
        backup = backup_before_migration(path, current)
        while current < schema.SCHEMA_VERSION:
            MIGRATIONS[current](conn)
            current += 1
            conn.execute(f"PRAGMA user_version = {current}")
        settle(conn)
        conn.execute("COMMIT")
    except Exception as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if backup is not None:
            backup.unlink(missing_ok=True)  # ours, and the file is as it was
        if isinstance(exc, sqlite3.Error):
            raise sqlite_failure(exc, path) from None
        raise
    finally:
        conn.close()
