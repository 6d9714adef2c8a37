"""How the command line prints: tables, a film's details, JSON, progress and one-line errors,
with text from the library or from files made visible (never obeyed by the terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cryqueue.cli.parser import PROG
from cryqueue.domain.text import visible

if TYPE_CHECKING:
    from cryqueue.domain.films import FilmDetails, FilmEntry


def fail(message: str) -> None:
    print(f"{PROG}: {visible(message)}", file=sys.stderr)  # it may quote a file's text


def show(text: str) -> None:
    """Print text made of the library's strings, its control characters made visible."""
    print(visible(text, lines=True))


def progress_line(label: str) -> Callable[[str, int, int], None] | None:
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


def print_json(document: Any) -> None:
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
    from cryqueue.domain.films import (  # lazy: start-up
        cast_line,
        facts_line,
        rating_text,
        watched_text,
    )

    e = details.entry
    lines = [f"#{e.rank}  {e.title}"]
    if e.original_title and e.original_title != e.title:
        lines.append(f"    {e.original_title}")
    lines.append(f"    {facts_line(e, credits=', ')}")
    if e.cast:
        lines.append(f"    {cast_line(e)}")
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
