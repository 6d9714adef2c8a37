"""The personal ranking as a shareable Markdown document (CommonMark).

User text is escaped so that a title like `*Love*` or `<b>` renders exactly as typed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from cryqueue.domain.films import TEAR_MAX, FilmEntry, RankedItem, Stats, tear_scale
from cryqueue.domain.listing import WatchFilter
from cryqueue.domain.reading import LibraryReader

# Every ASCII punctuation character CommonMark lets a backslash escape, minus the ones that
# can never start markup mid-line; those are handled at line starts below.
_ALWAYS = re.compile(r"([\\`*_{}\[\]<>#|~!&])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
TEAR_DROP, TEAR_DRY = "💧", "·"


def escape(text: str) -> str:
    """Escape one line of user text so CommonMark shows it literally."""
    text = _ALWAYS.sub(r"\\\1", text)
    match = _LINE_START.match(text)
    if match:
        lead, marker = match.groups()
        text = lead + marker[:-1] + "\\" + marker[-1] + text[match.end() :]
    return text.strip()


def tears_text(level: int | None) -> str:
    if level is None:
        return "tears not rated"
    return f"{tear_scale(level, TEAR_DROP, TEAR_DRY)} {level}/{TEAR_MAX}"


def summary_line(stats: Stats) -> str:
    average = (
        f"average tear level {stats.average_tears:.1f}/{TEAR_MAX}"
        if stats.average_tears is not None
        else "no tear levels yet"
    )
    return f"Watched {stats.watched} of {stats.total} · {average}"


Item = FilmEntry | RankedItem


def render(
    entries: Sequence[Item], stats: Stats, today: date, title: str = "My tear-jerker ranking"
) -> str:
    lines = [
        f"# {escape(title)}",
        "",
        f"Exported from cryqueue on {today.isoformat()}.",
        "",
        summary_line(stats),
        "",
    ]
    for entry in entries:
        lines.extend(_item(entry))
    return "\n".join(lines).rstrip("\n") + "\n"


def _item(entry: Item) -> list[str]:
    marker = f"{entry.rank}. "
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
    lines = [f"{marker}{name}\\", f"{indent}{seen} · {tears_text(entry.tear_level)}"]
    note_lines = _note_block(entry.note) if entry.note else []
    if note_lines:
        lines.append("")
        lines.extend(f"{indent}{line}" if line else "" for line in note_lines)
    lines.append("")
    return lines


def _note_block(note: str) -> list[str]:
    """The note as a block quote: paragraphs kept, line breaks kept as hard breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", note.strip()) if p.strip()]
    out: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            out.append(">")
        rows = [escape(row) for row in paragraph.splitlines() if row.strip()]
        out.extend(f"> {row}\\" if i < len(rows) - 1 else f"> {row}" for i, row in enumerate(rows))
    return out


def markdown_text(
    reader: LibraryReader, watched: WatchFilter = "all", today: date | None = None
) -> str:
    """The Markdown export of a library, from either reader."""
    return render(reader.ranked_items(watched), reader.stats(), today or date.today())
