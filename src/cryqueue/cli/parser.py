"""The command line's grammar: every command and option, and how a usage error reads."""

from __future__ import annotations

import argparse
from typing import NoReturn

from cryqueue import __version__

PROG = "cryqueue"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="the library: a SQLite file, or a PostgreSQL database as postgresql://USER@HOST/DB "
        "to share it (default: $CRYQUEUE_DB, else cryqueue.db in the user data dir)",
    )
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [-h] [--db PATH] [--version] [COMMAND ...]",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the grouped commands, as laid out
        epilog=f"'{PROG} COMMAND --help' shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    # Listed by `grouped_commands` instead of argparse's one long list.
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, help=argparse.SUPPRESS, prog=PROG
    )
    summaries: dict[str, str] = {}

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        summaries[name] = help_text
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

    cmd = command("unwatch", "mark a film as not watched, or forget one viewing (--on)")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument(
        "--on", metavar="YYYY-MM-DD", help="forget only the viewing on that day, keep the others"
    )

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
    cmd.add_argument(
        "-y", "--yes", action="store_true", help="do not ask first (on a terminal it asks)"
    )

    cmd = command("rate", "set a film's star rating (0.5-5 in half steps), or 'none'")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("stars", metavar="STARS|none")

    cmd = command("tag", "add (+tag) and remove (-tag) a film's tags; without tags, list them")
    cmd.add_argument("title", metavar="TITLE")
    cmd.add_argument("changes", metavar="+TAG|-TAG", nargs="*")

    cmd = command(
        "export", "export the ranking (Markdown to share, JSON to back up, CSV for Letterboxd)"
    )
    cmd.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file or folder to write, or '-' for stdout (default: your Documents folder, "
        "or your home folder without one)",
    )
    cmd.add_argument(
        "--format", choices=("markdown", "json", "letterboxd", "csv"), default="markdown"
    )
    cmd.add_argument("--watched-only", action="store_true", help="only films you have watched")
    cmd.add_argument(
        "--include-notes",
        action="store_true",
        help="markdown: add your notes (private unless asked); letterboxd: send them as reviews",
    )
    cmd.add_argument(
        "--include-rating", action="store_true", help="markdown: add each film's star rating"
    )
    cmd.add_argument("--include-tags", action="store_true", help="markdown: add each film's tags")
    cmd.add_argument(
        "--stats", action="store_true", help="markdown: append your statistics (see 'stats')"
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

    cmd = command("diary", "every viewing, newest first, by month (rewatches marked)")
    cmd.add_argument("--year", metavar="YYYY", help="only the viewings of that year")
    cmd.add_argument("--format", choices=("table", "json"), default="table")

    cmd = command("stats", "your figures: tear levels, viewings by month, decades, directors")
    cmd.add_argument(
        "--year", metavar="YYYY", help="only that year's viewings and the films watched in it"
    )
    cmd.add_argument("--format", choices=("table", "json", "markdown"), default="table")

    cmd = command("backup", "copy the database to a backup file, safely even while in use")
    cmd.add_argument(
        "path", metavar="PATH", nargs="?", help="backup file (default: a dated file beside it)"
    )

    cmd = command("restore", "replace the database with a backup (the current one is kept)")
    cmd.add_argument("path", metavar="PATH", help="a backup made by 'cryqueue backup'")

    cmd = command("doctor", "check the database and say in plain words what is wrong")
    cmd.add_argument("--repair", action="store_true", help="fix what can be fixed safely")

    for name in TITLE_COMMANDS:
        commands.choices[name].add_argument(
            "--year", metavar="YYYY", help="the film's year, to pick between films of one title"
        )
    parser.description = (
        "A terminal watchlist for tear-jerkers. Without a command, opens the app.\n\n"
        + grouped_commands(summaries)
    )
    return parser


# Commands that name a film by TITLE (and take --year to pick between namesakes).
TITLE_COMMANDS = ("show", "watch", "unwatch", "tears", "rate", "tag", "note", "move", "remove")

# `--help` lists the commands by task, in the order a newcomer needs them.
COMMAND_GROUPS = (
    (
        "Your list",
        ("list", "search", "show", "watch", "unwatch", "tears", "rate", "tag", "note", "move"),
    ),
    ("Looking back", ("diary", "stats")),
    ("Films", ("add", "remove")),
    ("Files", ("export", "import", "backup", "restore", "doctor")),
)


def grouped_commands(summaries: dict[str, str], width: int = 80) -> str:
    """Each group's commands with their one-line help, wrapped at `width` like argparse's."""
    import textwrap  # lazy: start-up (argparse imports it only to format help, too)

    listed = [name for _title, names in COMMAND_GROUPS for name in names]
    assert sorted(listed) == sorted(summaries), "every command belongs to one group"
    blocks = []
    for title, names in COMMAND_GROUPS:
        lines = [f"{title}:"]
        for name in names:
            lines += textwrap.wrap(
                summaries[name],
                width,
                initial_indent=f"  {name:<10}",
                subsequent_indent=" " * 12,
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def tag_removals_as_values(argv: list[str]) -> list[str]:
    """`cryqueue tag TITLE +sad -happy`: a '-word' there is a tag to remove, not an option, so
    the command's values go after '--' for argparse (its --db, --year and --help stay options)."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        at += 2 if argv[at] == "--db" else 1
    if at >= len(argv) or argv[at] != "tag" or "--" in argv:
        return argv
    rest, options = argv[at + 1 :], []
    if any(a in ("-h", "--help") for a in rest):
        return argv
    for option in ("--db", "--year"):
        while option in rest:
            i = rest.index(option)
            options += rest[i : i + 2]
            del rest[i : i + 2]
        options += [a for a in rest if a.startswith(f"{option}=")]
        rest = [a for a in rest if not a.startswith(f"{option}=")]
    return [*argv[: at + 1], *options, "--", *rest]
