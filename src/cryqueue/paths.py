"""Where cryqueue keeps its files, and how it creates them privately."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "cryqueue"
DB_ENV = "CRYQUEUE_DB"


def default_db_path() -> Path:
    """The database under the user data dir (honours XDG_DATA_HOME), unless CRYQUEUE_DB says else."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "cryqueue.db"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def documents_dir() -> Path:
    from platformdirs import user_documents_path

    return user_documents_path()


def ensure_private_dir(path: Path) -> None:
    """Create a folder (and parents) readable only by the user; an existing one is left as is."""
    if path.is_dir():
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
