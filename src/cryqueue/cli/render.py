"""How the command line prints: tables, a film's details, JSON, progress and one-line errors,
with text from the library or from files made visible (never obeyed by the terminal)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cryqueue.cli.parser import PROG
from cryqueue.domain.text import visible, wrap_parts

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
            read = f"{done:,} of {total:,}" if total else f"{done:,}"
            line = f"{label}: {read} films read"
        elif phase == "done":
            line = ""
        else:
            line = f"{label}: {phase}…"
        sys.stderr.write(f"\r\x1b[2K{line}")
        sys.stderr.flush()

    return show


def terminal_width() -> int | None:
    """The terminal's width in cells when stdout is a terminal; None when it is a pipe or a
    file, which get full rows and unwrapped lines (a script reads them whole)."""
    if not sys.stdout.isatty():
        return None
    import shutil  # lazy: start-up

    return shutil.get_terminal_size().columns


def print_json(document: Any) -> None:
    """`document` as `json.dumps(document, ensure_ascii=False, indent=2)` writes it."""
    from cryqueue.cli import json_text  # lazy: start-up

    pieces = json_text.chunks(document)
    try:
        first = next(pieces)
    except json_text.Unusual:  # a value the json module writes itself
        import json  # lazy: start-up

        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    write = sys.stdout.write
    write(first)
    for piece in pieces:
        write(piece)
    write("\n")


def format_table(entries: Sequence[FilmEntry], width: int | None = None) -> str:
    """An aligned plain-text table; widths count Hangul as two cells. Within `width` cells
    (a terminal's), the titles are cut with an ellipsis so that no row wraps."""
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
    if width is not None:
        widths = _fit_titles(widths, width)
    shown = [w for w in widths if w]

    def line(row: Sequence[str]) -> str:
        cells = [_cut(cell, widths[i]) for i, cell in enumerate(row) if widths[i]]
        cells = [
            cell.rjust(shown[i]) if i == 0 else cell + " " * (shown[i] - cell_len(cell))
            for i, cell in enumerate(cells)
        ]
        return "  ".join(cells).rstrip()

    if not rows:
        return "No films match."
    return "\n".join([line(header), *(line(row) for row in rows)])


TITLE, ORIGINAL = 1, 2  # the table's columns that give way on a narrow terminal
GAP = 2  # cells between columns
ORIGINAL_MIN = 8  # narrower than this, the original title column is left out
TITLE_MIN = 6


def _fit_titles(widths: list[int], width: int) -> list[int]:
    """Column widths that fit `width` cells: the two title columns share what the others
    leave, the shorter keeping its whole width if it can; an original-title column that would
    get fewer than ORIGINAL_MIN cells is dropped (width 0). On a terminal too narrow even for
    that, the title keeps TITLE_MIN cells and the rows overflow."""
    fixed = sum(widths) - widths[TITLE] - widths[ORIGINAL] + GAP * (len(widths) - 1)
    room = width - fixed
    if widths[TITLE] + widths[ORIGINAL] <= room:
        return widths
    half = room // 2
    if widths[ORIGINAL] <= half:
        title, original = room - widths[ORIGINAL], widths[ORIGINAL]
    elif widths[TITLE] <= room - half:
        title, original = widths[TITLE], room - widths[TITLE]
    else:
        title, original = room - half, half
    if original < ORIGINAL_MIN:
        title, original = min(widths[TITLE], room + GAP), 0
    fitted = list(widths)
    fitted[TITLE], fitted[ORIGINAL] = max(title, TITLE_MIN), original
    return fitted


def _cut(text: str, cells: int) -> str:
    """`text` in at most `cells` terminal cells, ending in '…' when it had to be cut."""
    from rich.cells import cell_len  # lazy: start-up

    if cell_len(text) <= cells:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > cells - 1:
            break
        kept += char
    return kept + "…"


def format_details(details: FilmDetails, width: int | None = None) -> str:
    """A film's details; within `width` cells (a terminal's), wrapped between words, never
    inside '96 min' (see `wrap_line`)."""
    from cryqueue.domain.films import (  # lazy: start-up
        cast_line,
        fact_parts,
        facts_line,
        rating_text,
        watched_text,
    )
    from cryqueue.domain.text import wrap_parts  # lazy: start-up

    e = details.entry
    lines = [f"#{e.rank}  {e.title}"]
    if e.original_title and e.original_title != e.title:
        lines.append(f"    {e.original_title}")
    if width is None:
        lines.append(f"    {facts_line(e, credits=', ')}")
    else:  # broken between its parts ('2000', 'film', '96 min') first
        lines += [f"    {part}" for part in wrap_parts(fact_parts(e, ", "), width - 4)]
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
    text = "\n".join(lines)
    if width is None:
        return text
    return "\n".join(wrapped for line in text.split("\n") for wrapped in wrap_line(line, width))


# A number and its unit stay on one line: '96 min', '16 episodes'.
_UNIT = re.compile(r"(min|minutes?|episodes?)\W*")
LINE_MIN = 10  # a terminal reporting fewer columns still gets words, not letters


def wrap_line(line: str, width: int) -> list[str]:
    """One line of text in lines of at most `width` cells (Hangul counts two), broken between
    words, never between a number and its unit; continuation lines keep the line's indent. A
    word wider than a line is cut where it must be."""
    from rich.cells import cell_len  # lazy: start-up

    width = max(width, LINE_MIN)
    if cell_len(line) <= width:
        return [line]
    body = line.lstrip(" ")
    indent = line[: len(line) - len(body)]
    if len(indent) * 2 > width:
        indent = ""
    words: list[str] = []
    for word in body.split(" "):
        if words and _UNIT.fullmatch(word) and words[-1][-1:].isdigit():
            words[-1] += f" {word}"
        else:
            words.append(word)
    room = width - len(indent)
    out: list[str] = []
    for current in wrap_parts(words, room, " "):  # the same greedy fill as the app's details
        while cell_len(current) > room:  # one word wider than the line
            head = _cut(current, room)[:-1] or current[0]
            out.append(head)
            current = current[len(head) :]
        out.append(current)
    return [indent + piece for piece in out]
