"""The personal ranking as a shareable Markdown document (CommonMark).

Titles and tags are escaped so that a title like `*Love*` or `<b>` renders exactly as typed;
a note, included only when asked (notes are private), keeps its own Markdown but not raw HTML
(see `markdown_note`)."""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import compress, repeat
from operator import and_, is_not, ne
from typing import TYPE_CHECKING, cast

from cryqueue.domain.export_options import DEFAULT_OPTIONS, ExportOptions
from cryqueue.domain.films import (
    TEAR_MAX,
    FilmEntry,
    RankedFilms,
    Stats,
    rating_text,
    tally_stats,
    tear_scale,
)

if TYPE_CHECKING:
    from cryqueue.domain.insights import Insights
    from cryqueue.domain.reading import LibraryReader

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


# The same per line of many texts at once, on the texts joined by line breaks: one translate
# and one search for the line starts that need a backslash, instead of 100,000 calls of each.
_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|~!&]")
_LINE_STARTS = re.compile(r"\n([^\S\n]*)(?:([-+=>])|(\d+)([.)]))")


def escape_all(texts: Sequence[str]) -> list[str]:
    """`escape` of each text (a text with a line break in it: one by one)."""
    joined = "\n" + "\n".join(texts)
    # The table is quickest on ASCII; on other text it looks up every character.
    joined = joined.translate(_ALWAYS) if joined.isascii() else _SPECIAL.sub(r"\\\g<0>", joined)
    lines = _LINE_STARTS.sub(_backslashed, joined)[1:].split("\n")
    if len(lines) != len(texts):
        return [escape(text) for text in texts]
    return list(map(str.strip, lines))


def _backslashed(match: re.Match[str]) -> str:
    lead, sign, digits, delimiter = match.groups()
    return f"\n{lead}\\{sign}" if sign else f"\n{lead}{digits}\\{delimiter}"


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


def render(
    entries: Sequence[FilmEntry],
    stats: Stats,
    today: date,
    options: ExportOptions = DEFAULT_OPTIONS,
    title: str = "My tear-jerker ranking",
    insights: Insights | None = None,
) -> str:
    """The export of these films, each with its own rank; with `insights`, the statistics
    follow the ranking as a section."""
    return "".join(_ended(_parts(RankedFilms.of(entries), stats, today, options, title, insights)))


def markdown_text(
    reader: LibraryReader, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
) -> str:
    """The Markdown export of a library, from either reader; with `options.stats`, the
    library's statistics follow the ranking."""
    with _collector_paused():
        return "".join(_exported(reader, options, today))


def markdown_bytes(
    reader: LibraryReader, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
) -> bytes:
    """`markdown_text` in UTF-8, for a file: each part encoded as soon as it is made, so the
    whole is never one str too (100,000 films: a fifth less memory, a tenth less time)."""
    with _collector_paused():
        return b"".join([part.encode() for part in _exported(reader, options, today)])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: 100,000 films make millions of objects, none in a
    cycle, and the collector's passes over them cost a fifth of the export."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _exported(reader: LibraryReader, options: ExportOptions, today: date | None) -> Iterator[str]:
    """The export's text in parts, made as they are asked for. The figures are counted from
    the films read for the ranking: one read, not two."""
    films = reader.ranked_films(options)
    watched = films.watched()
    stats = _stats(films.tear_levels, watched)
    if options.watched_only:
        films = films.only(watched)
    insights = reader.insights() if options.stats else None
    yield from _ended(_parts(films, stats, today or date.today(), options, insights=insights))


def _stats(levels: Sequence[int | None], watched: Sequence[bool]) -> Stats:
    """The figures as `tally_stats` defines them, from counts of each tear level among all
    the films and among the watched ones."""
    every, seen = Counter(levels), Counter(compress(levels, watched))
    tally = [((True, level), n) for level, n in seen.items()]
    tally += [((False, level), n - seen[level]) for level, n in every.items()]
    return tally_stats(tally)


def _parts(
    films: RankedFilms,
    stats: Stats,
    today: date,
    options: ExportOptions,
    title: str = "My tear-jerker ranking",
    insights: Insights | None = None,
) -> Iterator[str]:
    """The document's lines in parts, each line ended by a line break: the head, the items a
    chunk of films at a time, then the statistics if any."""
    head = [
        f"# {escape(title)}",
        "",
        f"Exported from cryqueue on {today.isoformat()}.",
        "",
        summary_line(stats),
        "",
    ]
    yield "\n".join(head) + "\n"
    if films.ranks:
        delimiters, indents = _markers(films.ranks)
        for lo in range(0, len(films.ranks), _CHUNK):
            hi = lo + _CHUNK
            chunk = RankedFilms._make(column[lo:hi] for column in films)
            yield "".join(_items(chunk, delimiters[lo:hi], indents[lo:hi], options))
    if insights is not None:
        from cryqueue.interop.markdown_stats import stats_lines  # lazy: only with --stats

        yield "".join([line + "\n" for line in stats_lines(insights, escape)])


def _ended(parts: Iterable[str]) -> Iterator[str]:
    """The parts with one line break at the end of their whole, as `.rstrip("\n") + "\n"`
    would leave it: trimmed from the last parts, not from a copy of the whole."""
    held: list[str] = []  # the latest part with more than line breaks, and those after it
    for part in parts:
        if part.count("\n") < len(part):
            yield from held
            held = [part]
        else:
            held.append(part)
    if held and held[0].count("\n") < len(held[0]):
        yield held[0].rstrip("\n")
    yield "\n"


# Films rendered together: a chunk's objects stay in the processor's cache, and its memory
# is reused by the next (all at once, 100,000 films' took twice the memory and more time).
_CHUNK = 4096


def _items(
    films: RankedFilms, delimiters: list[str], indents: list[str], options: ExportOptions
) -> list[str]:
    """Each film's list item: its lines, each ended by a line break, and a blank line. Built
    a column at a time (C loops where they do): a function call per film cost more than all
    the rest."""
    ranks, titles, originals = films.ranks, films.titles, films.original_titles
    count = len(ranks)
    names = escape_all(titles)
    # " — original title" after the title where there is one and it differs
    also = [""] * count
    differs = list(map(and_, map(bool, originals), map(ne, originals, titles)))
    shown = list(compress(range(count), differs))
    others = cast("list[str]", list(compress(originals, differs)))  # none is None: they differ
    for k, original in zip(shown, escape_all(others), strict=True):
        also[k] = f" — {original}"
    # what the film's second line says: seen when, tears, and what else is asked for
    tears = {level: tears_text(level) for level in set(films.tear_levels)}
    unseen = {level: f"not watched yet · {text}" for level, text in tears.items()}
    state = list(map(unseen.__getitem__, films.tear_levels))
    for k in compress(range(count), films.watched()):
        day, times, level = films.last_viewed[k], films.viewing_counts[k], films.tear_levels[k]
        if times > 1:
            state[k] = f"watched {day}, {times} viewings · {tears[level]}"
        elif times:
            state[k] = f"watched {day} · {tears[level]}"
        else:
            state[k] = f"watched · {tears[level]}"
    if options.rating:
        for k in compress(range(count), map(is_not, films.ratings, repeat(None))):
            state[k] += f" · rated {rating_text(films.ratings[k])}"
    if options.tags:
        hashed = {tag: escape(f"#{tag}") for tags in set(films.tags) for tag in tags}
        for k in compress(range(count), films.tags):
            state[k] += " · " + " ".join([hashed[tag] for tag in films.tags[k]])
    items = [
        f"{rank}{d} **{name}**{o} ({year})\\\n{indent}{s}\n\n"
        for rank, d, name, o, year, indent, s in zip(
            ranks, delimiters, names, also, films.years, indents, state, strict=True
        )
    ]
    if options.notes:
        from cryqueue.interop.markdown_note import note_lines  # lazy: only with notes

        for k in compress(range(count), films.notes):
            if quote := note_lines(films.notes[k], escape):
                # A quote under the item, every line indented: nothing in a note can end it.
                items[k] += "".join(
                    f"{indents[k]}> {line}\n" if line else f"{indents[k]}>\n" for line in quote
                ) + "\n"  # fmt: skip
    return items


def _markers(ranks: Sequence[int]) -> tuple[list[str], list[str]]:
    """Each item's delimiter after its number, and the indent that lines up its next lines
    with its text. A renderer numbers a list's items from its first one on: a gap in the ranks
    (a watched-only export) starts a new list, which a change of delimiter does."""
    first, count = ranks[0], len(ranks)
    if first > 0 and list(ranks) == list(range(first, first + count)):
        # the usual case, in runs of as many digits: 1-9, 10-99, ...
        indents: list[str] = []
        width = len(str(first))
        while len(indents) < count:
            run = min(10**width - first - len(indents), count - len(indents))
            indents += [" " * (width + 2)] * run
            width += 1
        return ["."] * count, indents
    delimiters = []
    delimiter, after = ".", first - 1
    for rank in ranks:
        if rank != after + 1:
            delimiter = ")" if delimiter == "." else "."
        delimiters.append(delimiter)
        after = rank
    return delimiters, [" " * (len(str(rank)) + 2) for rank in ranks]
