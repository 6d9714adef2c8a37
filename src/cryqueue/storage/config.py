"""User preferences (the app's theme) in a small JSON file under the user config dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryqueue.storage.files import write_file
from cryqueue.storage.paths import config_dir, ensure_private_dir

CONFIG_FILE = "config.json"


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The saved preferences; a missing or unreadable file means defaults, never an error."""
    return read_config(path)[0]


def read_config(path: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """The saved preferences, and what was wrong with the file if it could not be used (it is
    then ignored: defaults apply). A missing file is no problem."""
    path = path or config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, RecursionError) as exc:  # deep nesting: RecursionError
        reason = exc.strerror if isinstance(exc, OSError) else type(exc).__name__
        return {}, f"{path} could not be read ({reason}); using the defaults"
    if not isinstance(data, dict):
        return {}, f"{path} is not a JSON object; using the defaults"
    return data, None


def save_config(values: dict[str, Any], path: Path | None = None) -> None:
    """Merge `values` into the saved preferences. A config.json that is a symlink (dotfiles kept
    in a repository) stays one: the writer replaces its target."""
    path = path or config_path()
    ensure_private_dir(path.parent)
    merged = load_config(path) | values
    write_file(path, json.dumps(merged, indent=2) + "\n")
