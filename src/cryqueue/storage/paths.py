"""Where cryqueue keeps its files, and how it creates them privately."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cryqueue.domain.errors import UsageError

APP_NAME = "cryqueue"
DB_ENV = "CRYQUEUE_DB"
# 'scheme://…', or a database's own scheme with one colon ('postgres:/x'): a URL, not a file.
# A name like 'file:z.db' stays the file of that name.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_DATABASE_SCHEMES = {"postgres", "postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle"}


def library_path(given: str) -> Path:
    """The library file a --db value (or CRYQUEUE_DB) names. A database URL is refused with a
    clear word, never taken for a folder named 'postgresql:' with a file in it."""
    match = _URL.match(given)
    if match and (match[2] or match[1].split("+")[0].lower() in _DATABASE_SCHEMES):
        shown = match[0] + ("…" if len(given) > len(match[0]) else "")  # no password shown
        raise UsageError(
            f"{shown} is a URL, not a library file: this cryqueue keeps its library in a "
            "SQLite file (PostgreSQL is not supported yet); give the file's path"
        )
    return Path(given).expanduser()


def default_db_path() -> Path:
    """The database under the user data dir (honours XDG_DATA_HOME), unless CRYQUEUE_DB says else."""
    override = os.environ.get(DB_ENV)
    if override:
        return library_path(override)
    from platformdirs import user_data_path  # only when a default folder is needed

    return user_data_path(APP_NAME, appauthor=False) / "cryqueue.db"


def config_dir() -> Path:
    from platformdirs import user_config_path  # only when a default folder is needed

    return user_config_path(APP_NAME, appauthor=False)


def export_folder() -> Path:
    """Where an export goes unless the user names a place, for the CLI and the app alike: the
    user's Documents folder (as platformdirs finds it: XDG user dirs on Linux) when it exists,
    else the home folder. Nothing is created."""
    from platformdirs import user_documents_path  # only when a default folder is needed

    documents = user_documents_path()
    return documents if documents.is_dir() else Path.home()


def ensure_private_dir(path: Path) -> None:
    """Create a folder, and each missing parent, readable only by the user whatever the umask;
    folders that exist already are left as they are."""
    if path.is_dir():
        return
    missing = [path, *(p for p in path.parents if not p.exists())]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another cryqueue, or a link to a folder: not ours
        os.chmod(folder, 0o700)
