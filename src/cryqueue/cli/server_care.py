"""`backup`, `restore` and `doctor` for a library on a PostgreSQL server. A server database has
no file to copy or check page by page: a backup is a JSON snapshot (the full export, which
`import` and `restore` read back), and the server itself keeps keys unique and rows linked."""

from __future__ import annotations

import argparse
from pathlib import Path

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.wording import counted
from cryqueue.library import Library
from cryqueue.storage.files import in_folder, write_file
from cryqueue.storage.location import ServerUrl
from cryqueue.storage.snapshots import server_backup_path


def backup(url: ServerUrl, args: argparse.Namespace) -> int:
    library = Library.open(url)
    try:
        if args.path:
            given = Path(args.path).expanduser()
            target = in_folder(given, server_backup_path(url, "backup").name)
            target = write_file(target, library.export_text("json"), exclusive=True)
        else:
            target = library.backup_beside("backup", keep=None)
    finally:
        library.close()
    print(f"Backed up {url} to {target} (a JSON snapshot; 'cryqueue restore' reads it back).")
    return 0


def restore(url: ServerUrl, args: argparse.Namespace) -> int:
    """Merge a JSON snapshot back: each film gets its notes, tears, viewings and place again.
    Films added since the snapshot stay (a restore into an empty database gives it exactly)."""
    source = Path(args.path).expanduser()
    if not source.is_file():
        raise CryqueueError(f"{source} does not exist; give the path of a cryqueue backup file")
    library = Library.open(url)
    try:
        batch = library.read_import(source, "cryqueue")
        if batch.skipped:
            first = batch.skipped[0]
            raise CryqueueError(f"{source} cannot be restored: {first.where}: {first.reason}")
        previous = library.backup_beside("pre-restore")
        summary = library.import_batch(batch)
    finally:
        library.close()
    print(
        f"Restored {source} into {url}: {counted(summary.matched, 'film')} brought back to "
        f"the snapshot, {summary.added} added; films added since it was taken are kept. "
        f"The library as it was is kept as {previous}."
    )
    return 0


def doctor(url: ServerUrl, args: argparse.Namespace) -> int:
    """Open (which checks the schema and its version) and read every film back."""
    print(f"Checked {url}:")
    library = Library.open(url)
    try:
        films = library.films()
    except CryqueueError as exc:
        print(f"  problem: {exc}")
        return 1
    finally:
        library.close()
    viewings = sum(len(film.viewings) for film in films)
    print("  ok: a cryqueue library on the current schema")
    print(f"  ok: {counted(len(films), 'film')} and {counted(viewings, 'viewing')} read back")
    print("  ok: ranking keys and links between rows are kept by the server's constraints")
    if args.repair:
        print("  Nothing to repair: on PostgreSQL the server enforces what --repair mends.")
    print("The database is healthy.")
    return 0
