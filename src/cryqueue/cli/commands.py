"""The `cryqueue` command: a thin layer over the library service.

Imports stay lazy: `--version` and `--help` load neither SQLModel nor Textual, and only the
app launch loads Textual."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from cryqueue import __version__
from cryqueue.domain.errors import CryqueueError, UsageError
from cryqueue.domain.text import visible

if TYPE_CHECKING:
    from cryqueue.domain.films import FilmDetails, FilmEntry
    from cryqueue.domain.listing import WatchFilter
    from cryqueue.domain.reading import LibraryReader
    from cryqueue.library import Library

PROG = "cryqueue"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $CRYQUEUE_DB, else cryqueue.db in the user data dir)",
    )
    parser = _Parser(
        prog=PROG,
        description="A terminal watchlist for tear-jerkers. Without a command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, parents=[common])

    cmd = command("list", "list films in ranking order")
    which = cmd.add_mutually_exclusive_group()
    which.add_argument("--watched", action="store_true", help="only watched films")
    which.add_argument("--unwatched", action="store_true", help="only films not watched yet")
    cmd.add_argument("--format", choices=("table", "json"), default="table")
    cmd.add_argument("--search", metavar="QUERY", help="only films QUERY finds (see 'search')")
    cmd.add_argument(
        "--tag", action="append", metavar="TAG", help="only films with TAG (repeat for several)"
    )

    cmd = command("search", "find films by title in either script, people or notes")
    cmd.add_argument("query", metavar="QUERY")
    cmd.add_argument("--format", choices=("table", "json"), default="table")

    cmd = command("show", "show one film's details")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("--format", choices=("text", "json"), default="text")

    cmd = command("watch", "log a viewing of a film")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("--on", metavar="YYYY-MM-DD", help="the day you watched it (default: today)")
    cmd.add_argument("--tears", metavar="N", help="tear level 0-5 to set at the same time")

    cmd = command("unwatch", "mark a film as not watched (forgets its viewings)")
    cmd.add_argument("title", metavar="TITLE")

    cmd = command("tears", "set a film's tear level: 0 (dry eyes) to 5 (sobbing), or none")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("level", metavar="N|none")

    cmd = command("move", "move a film in your personal ranking")
    cmd.add_argument("title", metavar="TITLE")
    where = cmd.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=int, metavar="N", help="to position N")
    where.add_argument("--up", type=int, nargs="?", const=1, metavar="K", help="K places up")
    where.add_argument("--down", type=int, nargs="?", const=1, metavar="K", help="K places down")
    where.add_argument("--top", action="store_true", help="to the top")
    where.add_argument("--bottom", action="store_true", help="to the bottom")

    cmd = command("note", "set a film's note (Markdown); '-' reads it from stdin")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("text", metavar="TEXT|-")

    cmd = command("add", "add your own film (at the bottom of the ranking)")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("--year", required=True, metavar="YYYY")
    cmd.add_argument("--original-title", metavar="T")
    cmd.add_argument("--kind", choices=("film", "series"), default="film")
    cmd.add_argument("--director", metavar="D")
    cmd.add_argument("--cast", metavar='"A, B"', help="comma-separated lead cast")

    cmd = command("remove", "remove a film from the library")
    cmd.add_argument("title", metavar="TITLE")

    cmd = command("rate", "set a film's star rating (0.5-5 in half steps), or 'none'")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("stars", metavar="STARS|none")

    cmd = command("tag", "add (+tag) and remove (-tag) a film's tags; without tags, list them")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("changes", metavar="+TAG|-TAG", nargs="*")

    cmd = command(
        "export", "export the ranking (Markdown to share, JSON to back up, CSV for Letterboxd)"
    )
    cmd.add_argument("-o", "--output", metavar="PATH", help="file to write, or '-' for stdout")
    cmd.add_argument(
        "--format", choices=("markdown", "json", "letterboxd", "csv"), default="markdown"
    )
    cmd.add_argument("--watched-only", action="store_true", help="only films you have watched")
    cmd.add_argument(
        "--include-notes", action="store_true", help="letterboxd: send notes as reviews"
    )

    cmd = command("import", "bring films in from a cryqueue, Letterboxd or IMDb export")
    cmd.add_argument("path", metavar="PATH", help="a file, a Letterboxd ZIP, or its folder")
    cmd.add_argument("--format", choices=("auto", "cryqueue", "letterboxd", "imdb"), default="auto")
    cmd.add_argument(
        "--dry-run", action="store_true", help="show what would change, and change nothing"
    )
    cmd.add_argument(
        "--ranking",
        nargs="?",
        const="",
        metavar="LIST",
        help="make a list's order your ranking (the list's name, if the import has several)",
    )
    cmd.add_argument(
        "--strict",
        action="store_true",
        help="refuse the import if any row would be skipped (nothing is written)",
    )

    cmd = command("backup", "copy the database to a backup file, safely even while in use")
    cmd.add_argument(
        "path", metavar="PATH", nargs="?", help="backup file (default: a dated file beside it)"
    )

    cmd = command("restore", "replace the database with a backup (the current one is kept)")
    cmd.add_argument("path", metavar="PATH", help="a backup made by 'cryqueue backup'")

    cmd = command("doctor", "check the database and say in plain words what is wrong")
    cmd.add_argument("--repair", action="store_true", help="fix what can be fixed safely")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_tag_removals_as_values(list(sys.argv[1:] if argv is None else argv)))
    try:
        if args.command is None:
            return _launch_app(args)
        return _run(args)
    except CryqueueError as exc:
        _fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _fail("interrupted; nothing was changed by the unfinished command")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _tag_removals_as_values(argv: list[str]) -> list[str]:
    """`cryqueue tag TITLE +sad -happy`: a '-word' there is a tag to remove, not an option, so
    the command's values go after '--' for argparse (its --db and --help stay options)."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        at += 2 if argv[at] == "--db" else 1
    if at >= len(argv) or argv[at] != "tag" or "--" in argv:
        return argv
    rest, options = argv[at + 1 :], []
    if any(a in ("-h", "--help") for a in rest):
        return argv
    while "--db" in rest:
        i = rest.index("--db")
        options += rest[i : i + 2]
        del rest[i : i + 2]
    options += [a for a in rest if a.startswith("--db=")]
    rest = [a for a in rest if not a.startswith("--db=")]
    return [*argv[: at + 1], *options, "--", *rest]


def _fail(message: str) -> None:
    print(f"{PROG}: {visible(message)}", file=sys.stderr)  # it may quote a file's text


def _show(text: str) -> None:
    """Print text made of the library's strings, its control characters made visible."""
    print(visible(text, lines=True))


def _db_path(args: argparse.Namespace) -> Path:
    from cryqueue.storage.paths import default_db_path  # lazy: start-up

    given = getattr(args, "db", None)
    return Path(given).expanduser() if given else default_db_path()


def _launch_app(args: argparse.Namespace) -> int:
    """Open the app. A library that needs no set-up is peeked at with sqlite3 for the first
    frame, and opened for real (loading SQLAlchemy) just after it is on screen."""
    from cryqueue.storage.fast_read import Peek  # lazy: start-up

    path = _db_path(args)
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
        return FILE_COMMANDS[args.command](_db_path(args), args)
    if args.command in ("list", "search") or (
        args.command == "export" and args.format == "markdown"
    ):
        # A library that needs no set-up is read with sqlite3 alone: no SQLAlchemy to load.

        peek = Peek.open(_db_path(args))
        if peek is not None:
            try:
                return PEEK_COMMANDS[args.command](peek, args)
            finally:
                peek.close()
    from cryqueue.library import Library  # SQLAlchemy: for commands that need it

    library = Library.open(_db_path(args))
    try:
        return COMMANDS[args.command](library, args)
    finally:
        library.close()


# Commands ------------------------------------------------------------------------------------


def cmd_list(library: LibraryReader, args: argparse.Namespace) -> int:
    from cryqueue.domain.search import films_tagged, search_entries, tag_index  # lazy: start-up

    watched: WatchFilter = "watched" if args.watched else "unwatched" if args.unwatched else "all"
    entries = library.films(watched)
    if args.tag:
        wanted = [_checked_tag(t) for t in args.tag]
        tagged = films_tagged(tag_index((e.id, e.tags) for e in entries), wanted, prefix=False)
        entries = [e for e in entries if e.id in tagged]
    if args.search is not None:
        found = {e.id for e in search_entries(entries, args.search)}
        entries = [e for e in entries if e.id in found]
    if args.format == "json":
        _print_json([e.to_json() for e in entries])
    else:
        _show(format_table(entries))
    return 0


def cmd_search(library: LibraryReader, args: argparse.Namespace) -> int:
    """Best match first: exact title, title prefix, anywhere, initial consonants, typo."""
    from cryqueue.domain.search import search_entries  # lazy: start-up

    entries = search_entries(library.films(), args.query)
    if args.format == "json":
        _print_json([e.to_json() for e in entries])
    else:
        _show(format_table(entries))
    return 0


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    details = library.details(library.find(args.title).id)
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
        _print_json(document)
    else:
        _show(format_details(details))
    return 0


def cmd_watch(library: Library, args: argparse.Namespace) -> int:
    film = library.find(args.title)
    day = library.mark_watched(film.id, args.on, args.tears)
    tears = f", tear level {args.tears}" if args.tears is not None else ""
    print(f"Watched {film.label} on {day.isoformat()}{tears}.")
    return 0


def cmd_unwatch(library: Library, args: argparse.Namespace) -> int:
    film = library.find(args.title)
    removed = library.unwatch(film.id)
    if removed:
        print(f"{film.label} is no longer watched ({removed} viewing(s) forgotten).")
    else:
        print(f"{film.label} was not watched; nothing changed.")
    return 0


def cmd_tears(library: Library, args: argparse.Namespace) -> int:
    film = library.find(args.title)
    level = library.set_tears(film.id, args.level)
    shown = "not rated" if level is None else f"{level}/5"
    print(f"Tear level of {film.label}: {shown}.")
    return 0


def cmd_rate(library: Library, args: argparse.Namespace) -> int:
    from cryqueue.domain.films import rating_text  # lazy: start-up

    film = library.find(args.title)
    _before, stars = library.swap_rating(film.id, args.stars)
    print(f"Rating of {film.label}: {rating_text(stars) or 'none'}.")
    return 0


def cmd_tag(library: Library, args: argparse.Namespace) -> int:
    film = library.find(args.title)
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
    film = library.find(args.title)
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
    film = library.find(args.title)
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
    film = library.find(args.title)
    library.remove_film(film.id)
    print(f"Removed {film.label}.")
    return 0


def cmd_export(library: LibraryReader, args: argparse.Namespace) -> int:
    """Markdown comes from a peek when the library is ready (no SQLAlchemy to load); JSON,
    which carries the source lists too, from the library."""
    from cryqueue.interop.markdown import markdown_text  # lazy: start-up
    from cryqueue.storage.files import default_export_name, is_stream, write_export

    watched: WatchFilter = "watched" if args.watched_only else "all"
    if args.include_notes and args.format != "letterboxd":
        raise UsageError("--include-notes is for --format letterboxd; the other formats have notes")
    if args.format == "markdown":
        text = markdown_text(library, watched)
    else:
        from cryqueue.library import Library  # loaded already: only Markdown reads a peek

        assert isinstance(library, Library)
        text = library.export_text(args.format, watched, args.include_notes)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(args.output or default_export_name(args.format))
    target = write_export(output, args.format, text, library=_db_path(args))
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
    progress = _progress_line(f"Importing {path.name}")
    summary = library.import_batch(batch, progress, dry_run=args.dry_run)
    if args.dry_run:
        _show(f"Dry run of {path.name} ({batch.described}): nothing was written.")
        if summary.lines:
            _show("\n".join(f"  {line}" for line in summary.lines))
    shown = None if args.dry_run else SHOWN_SKIPS
    _show("\n".join(summary_lines(summary, path.name, dry_run=args.dry_run, examples=shown)))
    if not args.dry_run and len(summary.skipped) > SHOWN_SKIPS:
        print("  (--dry-run lists every skipped row)")
    return 0


SHOWN_SKIPS = 20


# Commands on the database file itself: they must work when the library cannot be opened.


def cmd_backup(db_path: Path, args: argparse.Namespace) -> int:
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


def cmd_restore(db_path: Path, args: argparse.Namespace) -> int:
    from cryqueue.library import Library  # SQLAlchemy: for commands that need it
    from cryqueue.maintenance.restore import restore  # SQLAlchemy: for the maintenance commands

    done = restore(Path(args.path).expanduser(), db_path)
    Library.open(db_path).close()  # brings an older backup up to date, and proves it opens
    kept = f" The database it replaced is kept as {done.previous}." if done.previous else ""
    print(f"Restored {done.source} into {done.target}.{kept}")
    return 0


def cmd_doctor(db_path: Path, args: argparse.Namespace) -> int:
    from cryqueue.maintenance.doctor import (  # SQLAlchemy: for the maintenance commands
        check,
        repair,
    )

    report = repair(db_path) if args.repair else check(db_path)
    print(f"Checked {db_path}:")
    for line in report.lines():
        print(f"  {line}")
    return 0 if report.healthy else 1


FILE_COMMANDS: dict[str, Callable[[Path, argparse.Namespace], int]] = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "doctor": cmd_doctor,
}

# Commands that can run on a peek (a plain sqlite3 read) when the library needs no set-up.
PEEK_COMMANDS: dict[str, Callable[[LibraryReader, argparse.Namespace], int]] = {
    "list": cmd_list,
    "search": cmd_search,
    "export": cmd_export,
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
}


def _progress_line(label: str) -> Callable[[str, int, int], None] | None:
    """A progress line rewritten in place on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(phase: str, done: int, total: int) -> None:
        if phase == "reading":
            line = f"{label}: {done:,} of {total:,} films read"
        elif phase == "done":
            line = ""
        else:
            line = f"{label}: {phase}…"
        sys.stderr.write(f"\r\x1b[2K{line}")
        sys.stderr.flush()

    return show


# Output --------------------------------------------------------------------------------------


def _print_json(document: Any) -> None:
    import json  # lazy: start-up

    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def format_table(entries: Sequence[FilmEntry]) -> str:
    """An aligned plain-text table; widths count Hangul as two cells."""
    from rich.cells import cell_len  # lazy: start-up

    from cryqueue.domain.films import tear_scale  # lazy: start-up

    header = ("#", "Title", "Original title", "Year", "Watched", "Tears")
    rows = [
        (
            str(e.rank),
            e.title,
            e.original_title if e.original_title and e.original_title != e.title else "",
            str(e.year),
            e.watched_on.isoformat() if e.watched_on else "",
            f"{tear_scale(e.tear_level)} {e.tear_level}" if e.tear_level is not None else "",
        )
        for e in entries
    ]
    widths = [max(cell_len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i == 0 else cell + " " * (widths[i] - cell_len(cell))
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    if not rows:
        return "No films match."
    return "\n".join([line(header), *(line(row) for row in rows)])


def format_details(details: FilmDetails) -> str:
    from cryqueue.domain.films import rating_text, watched_text  # lazy: start-up

    e = details.entry
    lines = [f"#{e.rank}  {e.title}"]
    if e.original_title and e.original_title != e.title:
        lines.append(f"    {e.original_title}")
    made_by = f"directed by {e.director}" if e.director else ""
    if e.network:
        made_by = f"{e.network}" + (f", {made_by}" if made_by else "")
    facts = [str(e.year), e.kind, made_by]
    if e.runtime_minutes:
        facts.append(f"{e.runtime_minutes} min")
    if e.episodes:
        facts.append(f"{e.episodes} episodes")
    lines.append("    " + " · ".join(f for f in facts if f))
    if e.cast:
        lines.append(f"    with {', '.join(e.cast)}")
    if e.synopsis:
        lines += ["", e.synopsis]
    lines.append("")
    lines.append(watched_text(e))
    lines.append("Tear level: " + ("not rated" if e.tear_level is None else f"{e.tear_level}/5"))
    if e.rating is not None:
        lines.append(f"Rating: {rating_text(e.rating)}")
    if e.tags:
        lines.append("Tags: " + ", ".join(e.tags))
    for place in details.sources:
        where = f"#{place.rank}" if place.rank is not None else "mentioned"
        lines.append(f"{place.source}: {where}")
    for rel in details.related:
        lines.append(f"{rel.label.capitalize()} {rel.title} ({rel.year})")
    if e.note:
        lines += ["", "Note:", e.note]
    return "\n".join(lines)
