"""The personal ranking as a shareable Markdown document (CommonMark).

Titles and tags are escaped so that a title like `*Love*` or `<b>` renders exactly as typed;
a note, included only when asked (notes are private), keeps its own Markdown but not raw HTML
(see `markdown_note`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from cryqueue.domain.export_options import DEFAULT_OPTIONS, ExportOptions
from cryqueue.domain.films import (
    TEAR_MAX,
    FilmEntry,
    RankedItem,
    Stats,
    rating_text,
    tear_scale,
)
from cryqueue.domain.reading import LibraryReader
from cryqueue.interop.markdown_note import note_lines

if TYPE_CHECKING:
    from cryqueue.domain.insights import Insights

# Every ASCII punctuation character CommonMark lets a backslash escape, minus the ones that
# can never start markup mid-line; those are handled at line starts below.
# (A translation table: a regex substitution cost 100,000 films' export a third of its time.)
_ALWAYS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>#|~!&"})
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def escape(text: str) -> str:
    """Escape one line of user text so CommonMark shows it literally."""
    text = text.translate(_ALWAYS)
    first = text.lstrip()[:1]  # most lines start with a letter: no regex for them
    match = _LINE_START.match(text) if first and (first in "-+=>" or first.isdigit()) else None
    if match:
        lead, marker = match.groups()
        text = lead + marker[:-1] + "\\" + marker[-1] + text[match.end() :]
    return text.strip()


def tears_text(level: int | None) -> str:
    if level is None:
        return "tears not rated"
    return f"{tear_scale(level)} {level}/{TEAR_MAX}"


def summary_line(stats: Stats) -> str:
    average = (
        f"average tear level {stats.average_tears:.1f}/{TEAR_MAX}"
        if stats.average_tears is not None
        else "no tear levels yet"
    )
    return f"Watched {stats.watched} of {stats.total} · {average}"


Item = FilmEntry | RankedItem


def render(
    entries: Sequence[Item],
    stats: Stats,
    today: date,
    options: ExportOptions = DEFAULT_OPTIONS,
    title: str = "My tear-jerker ranking",
    insights: Insights | None = None,
) -> str:
    """The export; with `insights`, the statistics follow the ranking as a section."""
    lines = [
        f"# {escape(title)}",
        "",
        f"Exported from cryqueue on {today.isoformat()}.",
        "",
        summary_line(stats),
        "",
    ]
    delimiter, after = ".", None
    for entry in entries:
        if after is not None and entry.rank != after + 1:
            # A renderer numbers a list's items from its first one on: a gap in the ranks (a
            # watched-only export) starts a new list, which a change of delimiter does.
            delimiter = ")" if delimiter == "." else "."
        lines.extend(_item(entry, f"{entry.rank}{delimiter} ", options))
        after = entry.rank
    if insights is not None:
        from cryqueue.interop.markdown_stats import stats_lines  # lazy: only with --stats

        lines += stats_lines(insights, escape)
    return "\n".join(lines).rstrip("\n") + "\n"


def _item(entry: Item, marker: str, options: ExportOptions) -> list[str]:
    indent = " " * len(marker)
    name = f"**{escape(entry.title)}**"
    if entry.original_title and entry.original_title != entry.title:
        name += f" — {escape(entry.original_title)}"
    name += f" ({entry.year})"
    if entry.watched_on:
        times = f", {len(entry.viewings)} viewings" if len(entry.viewings) > 1 else ""
        seen = f"watched {entry.watched_on.isoformat()}{times}"
    elif entry.watched_undated:
        seen = "watched"
    else:
        seen = "not watched yet"
    state = [seen, tears_text(entry.tear_level)]
    if options.rating and entry.rating is not None:
        state.append(f"rated {rating_text(entry.rating)}")
    if options.tags and entry.tags:
        state.append(" ".join(escape(f"#{tag}") for tag in entry.tags))
    lines = [f"{marker}{name}\\", f"{indent}{' · '.join(state)}"]
    note = note_lines(entry.note, escape) if options.notes else []
    if note:
        # A quote under the item, every line indented: nothing in a note can end the item.
        lines.append("")
        lines.extend(f"{indent}> {line}" if line else f"{indent}>" for line in note)
    lines.append("")
    return lines


def markdown_text(
    reader: LibraryReader, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
) -> str:
    """The Markdown export of a library, from either reader; with `options.stats`, the
    library's statistics follow the ranking."""
    items = reader.ranked_items(options.watched)
    insights = reader.insights() if options.stats else None
    return render(items, reader.stats(), today or date.today(), options, insights=insights)
