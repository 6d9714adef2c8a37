"""Where cryqueue keeps its files, and how it creates them privately."""

from __future__ import annotations

import os
from pathlib import Path

from cryqueue.storage.location import Location, library_location

APP_NAME = "cryqueue"
DB_ENV = "CRYQUEUE_DB"


def default_location() -> Location:
    """The library under the user data dir (honours XDG_DATA_HOME), unless CRYQUEUE_DB names
    another file or a PostgreSQL URL."""
    override = os.environ.get(DB_ENV)
    if override:
        return library_location(override)
    return data_dir() / "cryqueue.db"


def data_dir() -> Path:
    """The user data folder (honours XDG_DATA_HOME): the default library, server backups."""
    from platformdirs import user_data_path  # only when a default folder is needed

    return user_data_path(APP_NAME, appauthor=False)


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
