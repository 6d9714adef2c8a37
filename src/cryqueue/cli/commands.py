"""The `cryqueue` command: a thin layer over the library service.

Imports stay lazy: `--version` and `--help` load neither SQLModel nor Textual, and only the
app launch loads Textual."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryqueue.cli.parser import PROG, build_parser, tag_removals_as_values
from cryqueue.cli.render import (
    fail,
    format_details,
    format_table,
    print_json,
    progress_line,
    show,
    terminal_width,
)
from cryqueue.domain.errors import CryqueueError, UsageError
from cryqueue.domain.text import visible

if TYPE_CHECKING:
    from cryqueue.domain.films import FilmEntry
    from cryqueue.domain.listing import WatchFilter
    from cryqueue.domain.reading import LibraryReader
    from cryqueue.library import Library
    from cryqueue.storage.location import Location


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(tag_removals_as_values(list(sys.argv[1:] if argv is None else argv)))
    try:
        if args.command is None:
            return _launch_app(args)
        return _run(args)
    except CryqueueError as exc:
        fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        fail("interrupted; nothing was changed by the unfinished command")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _location(args: argparse.Namespace) -> Location:
    """The library --db (or CRYQUEUE_DB, or the default) names: a file, or a server URL."""
    from cryqueue.storage.location import library_location  # lazy: start-up
    from cryqueue.storage.paths import default_location  # lazy: start-up

    given = getattr(args, "db", None)
    return library_location(given) if given else default_location()


def _launch_app(args: argparse.Namespace) -> int:
    """Open the app. A library that needs no set-up is peeked at with sqlite3 for the first
    frame, and opened for real (checked, migrated, seeded as needed) just after it is on
    screen."""
    from cryqueue.storage.fast_read import Peek  # lazy: start-up

    path = _location(args)
    peek = Peek.open(path)
    opened: list[Library] = []

    def open_library() -> Library:
        from cryqueue.library import Library  # SQLAlchemy: for commands that need it

        opened.append(Library.open(path))
        return opened[0]

    if peek is None:  # new, older schema or older catalog: set it up first
        open_library()
    try:
        from cryqueue.ui.app import run_app  # Textual: for the app only

        run_app(opened[0] if opened else open_library, peek)
    finally:
        for library in opened:
            library.close()
    return 0


def _run(args: argparse.Namespace) -> int:
    from cryqueue.storage.fast_read import Peek  # lazy: start-up

    if args.command in FILE_COMMANDS:
        return FILE_COMMANDS[args.command](_location(args), args)
    if args.command in ("list", "search", "diary", "stats") or (
        args.command == "export" and args.format == "markdown"
    ):
        # A library that needs no set-up is read with sqlite3 alone: no SQLAlchemy to load.

        peek = Peek.open(_location(args))
        if peek is not None:
            try:
                return PEEK_COMMANDS[args.command](peek, args)
            finally:
                peek.close()
    from cryqueue.library import Library  # SQLAlchemy: for commands that need it

    library = Library.open(_location(args))
    try:
        return COMMANDS[args.command](library, args)
    finally:
        library.close()


def _find(library: Library, args: argparse.Namespace) -> FilmEntry:
    """The film a command's TITLE (and --year) names: the one lookup every command uses."""
    from cryqueue.domain import validate  # lazy: start-up

    year = None if args.year is None else validate.year(args.year)
    return library.find(args.title, year)


def cmd_list(library: LibraryReader, args: argparse.Namespace) -> int:
    watched: WatchFilter = "watched" if args.watched else "unwatched" if args.unwatched else "all"
    entries = library.films(watched)
    if args.tag or args.search is not None:
        # lazy: start-up (a plain list never needs the search)
        from cryqueue.domain.search import films_tagged, search_entries, tag_index
    if args.tag:
        wanted = [_checked_tag(t) for t in args.tag]
        tagged = films_tagged(tag_index((e.id, e.tags) for e in entries), wanted, prefix=False)
        entries = [e for e in entries if e.id in tagged]
    if args.search is not None:
        found = {e.id for e in search_entries(entries, args.search)}
        entries = [e for e in entries if e.id in found]
    if args.format == "json":
        print_json([e.to_json() for e in entries])
    else:
        show(format_table(entries, terminal_width()))
    return 0


def cmd_search(library: LibraryReader, args: argparse.Namespace) -> int:
    """Best match first: exact title, title prefix, anywhere, initial consonants, typo."""
    from cryqueue.domain.search import search_entries  # lazy: start-up

    entries = search_entries(library.films(), args.query)
    if args.format == "json":
        print_json([e.to_json() for e in entries])
    else:
        show(format_table(entries, terminal_width()))
    return 0


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    details = library.details(_find(library, args).id)
    if args.format == "json":
        document = details.entry.to_json()
        document["sources"] = [
            {"title": s.source, "author": s.author, "site": s.site, "rank": s.rank}
            for s in details.sources
        ]
        document["related"] = [
            {"relation": r.label, "title": r.title, "year": r.year, "note": r.note}
            for r in details.related
        ]
        print_json(document)
    else:
        show(format_details(details, terminal_width()))
    return 0


def cmd_watch(library: Library, args: argparse.Namespace) -> int:
    film = _find(library, args)
    day = library.mark_watched(film.id, args.on, args.tears)
    tears = f", tear level {args.tears}" if args.tears is not None else ""
    print(f"Watched {film.label} on {day.isoformat()}{tears}.")
    return 0


def cmd_unwatch(library: Library, args: argparse.Namespace) -> int:
    from cryqueue.domain.wording import counted  # lazy: start-up

    film = _find(library, args)
    if args.on is not None:
        from cryqueue.cli.looking_back import forget_viewing  # lazy: start-up

        forget_viewing(library, film, args.on)
        return 0
    removed = library.unwatch(film.id)
    if removed:
        print(f"{film.label} is no longer watched ({counted(removed, 'viewing')} forgotten).")
    else:
        print(f"{film.label} was not watched; nothing changed.")
    return 0


def cmd_tears(library: Library, args: argparse.Namespace) -> int:
    film = _find(library, args)
    level = library.set_tears(film.id, args.level)
    shown = "not rated" if level is None else f"{level}/5"
    print(f"Tear level of {film.label}: {shown}.")
    return 0


def cmd_rate(library: Library, args: argparse.Namespace) -> int:
    from cryqueue.domain.films import rating_text  # lazy: start-up

    film = _find(library, args)
    _before, stars = library.swap_rating(film.id, args.stars)
    print(f"Rating of {film.label}: {rating_text(stars) or 'none'}.")
    return 0


def cmd_tag(library: Library, args: argparse.Namespace) -> int:
    film = _find(library, args)
    add = [c[1:] for c in args.changes if c.startswith("+")]
    remove = [c[1:] for c in args.changes if c.startswith("-")]
    odd = [c for c in args.changes if not c.startswith(("+", "-"))]
    if odd:
        raise UsageError(f"write {odd[0]!r} as +{odd[0]} to add it or -{odd[0]} to remove it")
    if args.changes:
        _before, tags = library.retag(film.id, add, remove)
    else:
        tags = film.tags
    shown = " ".join(f"#{t}" for t in tags) if tags else "no tags"
    print(f"Tags of {film.label}: {shown}.")
    return 0


def _checked_tag(value: str) -> str:
    from cryqueue.domain import validate  # lazy: start-up
    from cryqueue.domain.search import fold  # lazy: start-up

    return fold(validate.tag(value))


def cmd_move(library: Library, args: argparse.Namespace) -> int:
    film = _find(library, args)
    moves: dict[str, Callable[[], int]] = {
        "to": lambda: library.move_to(film.id, args.to),
        "up": lambda: library.move_by(film.id, -_positive(args.up)),
        "down": lambda: library.move_by(film.id, _positive(args.down)),
        "top": lambda: library.move_to_top(film.id),
        "bottom": lambda: library.move_to_bottom(film.id),
    }
    # `is not`: `--to 0` / `--up 0` must reach the range checks, and 0 == False.
    chosen = next(
        n for n in moves if getattr(args, n) is not None and getattr(args, n) is not False
    )
    position = moves[chosen]()
    print(f"{film.label} is now #{position} (was #{film.rank}).")
    return 0


def _positive(steps: int) -> int:
    if steps < 1:
        raise UsageError(f"give a number of places of at least 1, not {steps}")
    return steps


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    film = _find(library, args)
    try:
        text = sys.stdin.read() if args.text == "-" else args.text
    except UnicodeDecodeError:
        raise UsageError("the note on standard input is not UTF-8 text; convert it") from None
    library.set_note(film.id, text)
    print(f"Note of {film.label} {'saved' if text.strip() else 'cleared'}.")
    return 0


def cmd_add(library: Library, args: argparse.Namespace) -> int:
    from cryqueue.domain import validate  # lazy: start-up
    from cryqueue.domain.films import FilmFacts  # lazy: start-up

    cast = tuple(name.strip() for name in (args.cast or "").split(",") if name.strip())
    entry = library.add_film(
        FilmFacts(
            title=args.title,
            year=validate.year(args.year),
            original_title=args.original_title,
            kind=args.kind,
            director=args.director,
            cast=cast,
        )
    )
    print(f"Added {entry.label} at #{entry.rank}.")
    return 0


def cmd_remove(library: Library, args: argparse.Namespace) -> int:
    """On a terminal it asks first (--yes does not). The command line has no undo, so a dated
    backup is made just before, and the message says how to get the film back from it."""
    import shlex  # lazy: start-up

    film = _find(library, args)
    if not args.yes and sys.stdin.isatty() and not _confirmed(f"Remove {_what_goes(film)}?"):
        show(f"Kept {film.label}; nothing was removed.")
        return 1
    backup = library.backup_beside("pre-remove")
    library.remove_film(film.id)
    show(
        f"Removed {film.label}. To undo, restore the backup made just before (this also undoes "
        f"any change made since): {PROG} restore {shlex.quote(str(backup))}"
    )
    return 0


def _what_goes(film: FilmEntry) -> str:
    """'Il Mare (2000) with its 2 viewings and note': what a removal loses."""
    from cryqueue.domain.wording import counted  # lazy: start-up

    viewings = len(film.viewings) + int(film.watched_undated)
    kept = [counted(viewings, "viewing")] if viewings else []
    kept += [
        what
        for what, there in (
            ("tear level", film.tear_level is not None),
            ("rating", film.rating is not None),
            ("tags", bool(film.tags)),
            ("note", bool(film.note.strip())),
        )
        if there
    ]
    if not kept:
        return film.label
    listed = ", ".join(kept[:-1]) + " and " + kept[-1] if len(kept) > 1 else kept[0]
    return f"{film.label} with its {listed}"


def _confirmed(question: str) -> bool:
    """Ask on the terminal; only 'y' or 'yes' is a yes (an empty answer or end of input: no)."""
    sys.stderr.write(visible(f"{question} [y/N] "))
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_export(library: LibraryReader, args: argparse.Namespace) -> int:
    """Markdown comes from a peek when the library is ready (no SQLAlchemy to load); JSON,
    which carries the source lists too, from the library."""
    from cryqueue.domain.export_options import (  # lazy: start-up
        INCLUDED_ON_REQUEST,
        STATS_FORMATS,
        ExportOptions,
        needless_options,
    )
    from cryqueue.interop.markdown import markdown_bytes, markdown_text  # lazy: start-up
    from cryqueue.storage.files import is_stream, write_export
    from cryqueue.storage.paths import export_folder

    options = ExportOptions(
        watched_only=args.watched_only,
        notes=args.include_notes,
        rating=args.include_rating,
        tags=args.include_tags,
        stats=args.stats,
    )
    if options.stats and args.format not in STATS_FORMATS:
        raise UsageError(
            f"--stats is for --format markdown; for the figures as JSON use '{PROG} stats "
            "--format json'"
        )
    if needless := needless_options(options, args.format):
        name = needless[0]
        formats = " or ".join(INCLUDED_ON_REQUEST[name])
        raise UsageError(
            f"--include-{name} is for --format {formats}; {args.format} always has {name}"
        )
    text: str | bytes
    if args.format == "markdown":
        # A file takes bytes: made a part at a time, they never make one big str first.
        text = (
            markdown_text(library, options)
            if args.output == "-"
            else markdown_bytes(library, options)
        )
    else:
        from cryqueue.library import Library  # loaded already: only Markdown reads a peek

        assert isinstance(library, Library)
        text = library.export_text(args.format, options)
    if args.output == "-":
        assert isinstance(text, str)
        sys.stdout.write(text)
        return 0
    # Without -o, the default file name in the one default folder the app offers too.
    output = Path(args.output) if args.output else export_folder()
    location = _location(args)
    library_file = location if isinstance(location, Path) else None
    target = write_export(output, args.format, text, library=library_file)
    # a device or pipe may be our own stdout (`-o /dev/stdout | less`): keep the note out of it
    print(f"Exported to {target}.", file=sys.stderr if is_stream(target) else sys.stdout)
    return 0


def cmd_import(library: Library, args: argparse.Namespace) -> int:
    """One transaction: a file that cannot be read changes nothing; a row that cannot be read
    is skipped and counted by reason (with --strict, it refuses the import instead)."""
    from cryqueue.domain.import_report import summary_lines  # lazy: start-up

    path = Path(args.path).expanduser()
    batch = library.read_import(path, args.format, args.ranking)
    batch.strict = args.strict
    progress = progress_line(f"Importing {path.name}")
    summary = library.import_batch(batch, progress, dry_run=args.dry_run)
    if args.dry_run:
        show(f"Dry run of {path.name} ({batch.described}): nothing was written.")
        if summary.lines:
            show("\n".join(f"  {line}" for line in summary.lines))
    shown = None if args.dry_run else SHOWN_SKIPS
    show("\n".join(summary_lines(summary, path.name, dry_run=args.dry_run, examples=shown)))
    if not args.dry_run and len(summary.skipped) > SHOWN_SKIPS:
        print("  (--dry-run lists every skipped row)")
    return 0


SHOWN_SKIPS = 20


def cmd_backup(location: Location, args: argparse.Namespace) -> int:
    if not isinstance(location, Path):
        from cryqueue.cli import server_care  # SQLAlchemy and psycopg: a server's library

        return server_care.backup(location, args)
    db_path = location
    from cryqueue.storage.schema import inspect_file  # lazy: start-up
    from cryqueue.storage.snapshots import backup_beside, backup_to  # lazy: start-up

    if inspect_file(db_path).is_new:
        raise CryqueueError(f"{db_path} does not exist yet; there is nothing to back up")
    if args.path:
        target = backup_to(db_path, Path(args.path).expanduser())
    else:
        target = backup_beside(db_path, "backup", keep=None)
    print(f"Backed up {db_path} to {target}.")
    return 0


def cmd_restore(location: Location, args: argparse.Namespace) -> int:
    if not isinstance(location, Path):
        from cryqueue.cli import server_care  # SQLAlchemy and psycopg: a server's library

        return server_care.restore(location, args)
    db_path = location
    from cryqueue.library import Library  # SQLAlchemy: for commands that need it
    from cryqueue.maintenance.restore import restore  # SQLAlchemy: for the maintenance commands

    done = restore(Path(args.path).expanduser(), db_path)
    Library.open(db_path).close()  # brings an older backup up to date, and proves it opens
    kept = f" The database it replaced is kept as {done.previous}." if done.previous else ""
    print(f"Restored {done.source} into {done.target}.{kept}")
    return 0


def cmd_doctor(location: Location, args: argparse.Namespace) -> int:
    if not isinstance(location, Path):
        from cryqueue.cli import server_care  # SQLAlchemy and psycopg: a server's library

        return server_care.doctor(location, args)
    db_path = location
    from cryqueue.maintenance.doctor import (  # SQLAlchemy: for the maintenance commands
        check,
        repair,
    )

    report = repair(db_path) if args.repair else check(db_path)
    print(f"Checked {db_path}:")
    for line in report.lines():
        print(f"  {line}")
    return 0 if report.healthy else 1


FILE_COMMANDS: dict[str, Callable[[Location, argparse.Namespace], int]] = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "doctor": cmd_doctor,
}


def _looking_back(name: str) -> Callable[[Any, argparse.Namespace], int]:
    """`diary` and `stats`, imported when run: the other commands never pay for them."""

    def run(reader: Any, args: argparse.Namespace) -> int:
        from cryqueue.cli import looking_back  # lazy: start-up

        command: Callable[[Any, argparse.Namespace], int] = getattr(looking_back, name)
        return command(reader, args)

    return run


cmd_diary, cmd_stats = _looking_back("cmd_diary"), _looking_back("cmd_stats")


# Commands that can run on a peek (a plain sqlite3 read) when the library needs no set-up.
PEEK_COMMANDS: dict[str, Callable[[LibraryReader, argparse.Namespace], int]] = {
    "list": cmd_list,
    "search": cmd_search,
    "export": cmd_export,
    "diary": cmd_diary,
    "stats": cmd_stats,
}


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "list": cmd_list,
    "search": cmd_search,
    "show": cmd_show,
    "watch": cmd_watch,
    "unwatch": cmd_unwatch,
    "tears": cmd_tears,
    "rate": cmd_rate,
    "tag": cmd_tag,
    "move": cmd_move,
    "note": cmd_note,
    "add": cmd_add,
    "remove": cmd_remove,
    "export": cmd_export,
    "import": cmd_import,
    "diary": cmd_diary,
    "stats": cmd_stats,
}
