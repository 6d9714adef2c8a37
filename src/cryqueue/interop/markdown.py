"""The personal ranking as a shareable Markdown document (CommonMark).

Titles and tags are escaped so that a title like `*Love*` or `<b>` renders exactly as typed;
a note, included only when asked (notes are private), keeps its own Markdown but not raw HTML
(see `markdown_note`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import compress, repeat
from operator import and_, is_not, ne
from typing import TYPE_CHECKING, TypeVar, cast

from cryqueue.domain.bulk import collector_paused
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
    items = _item_parts([RankedFilms.of(entries)], options, str)
    parts = [_head(title, today, stats), *items, *_tail(insights)]
    return "".join(_ended(parts, "\n"))


def markdown_text(
    reader: LibraryReader, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
) -> str:
    """The Markdown export of a library, from either reader; with `options.stats`, the
    library's statistics follow the ranking."""
    with collector_paused():
        return "".join(_exported(reader, options, today, str))


def markdown_bytes(
    reader: LibraryReader, options: ExportOptions = DEFAULT_OPTIONS, today: date | None = None
) -> bytes:
    """`markdown_text` in UTF-8, for a file: each part encoded as soon as it is made, so the
    whole is never one str as well."""
    with collector_paused():
        return b"".join(_exported(reader, options, today, str.encode))


Part = TypeVar("Part", str, bytes)


def _exported(
    reader: LibraryReader,
    options: ExportOptions,
    today: date | None,
    finish: Callable[[str], Part],
) -> list[Part]:
    """The export in parts, each through `finish` as soon as it is made. The films come a
    chunk at a time (each chunk's memory reused by the next: half the peak, a tenth less
    time); the figures at the top are counted from them on the way, so the head comes last."""
    every: Counter[int | None] = Counter()
    seen: Counter[int | None] = Counter()

    def counted(chunks: Iterable[RankedFilms]) -> Iterator[RankedFilms]:
        for films in chunks:
            watched = films.watched()
            every.update(films.tear_levels)
            seen.update(compress(films.tear_levels, watched))
            yield films.only(watched) if options.watched_only else films

    items = _item_parts(counted(reader.ranked_films(options)), options, finish)
    head = _head("My tear-jerker ranking", today or date.today(), _stats(every, seen))
    tail = _tail(reader.insights() if options.stats else None)
    parts = [finish(head)]
    parts += items
    parts += [finish(text) for text in tail]
    return _ended(parts, finish("\n"))


def _stats(every: Counter[int | None], seen: Counter[int | None]) -> Stats:
    """The figures as `tally_stats` defines them, from how many films have each tear level,
    of all of them and of the watched ones."""
    tally = [((True, level), n) for level, n in seen.items()]
    tally += [((False, level), n - seen[level]) for level, n in every.items()]
    return tally_stats(tally)


def _head(title: str, today: date, stats: Stats) -> str:
    lines = [f"# {escape(title)}", "", f"Exported from cryqueue on {today.isoformat()}.", ""]
    return "\n".join([*lines, summary_line(stats), "", ""])


def _tail(insights: Insights | None) -> list[str]:
    """The statistics section, if any, its lines each ended by a line break."""
    if insights is None:
        return []
    from cryqueue.interop.markdown_stats import stats_lines  # lazy: only with --stats

    return ["".join([line + "\n" for line in stats_lines(insights, escape)])]


def _item_parts(
    chunks: Iterable[RankedFilms], options: ExportOptions, finish: Callable[[str], Part]
) -> list[Part]:
    """Each chunk's items as one part, through `finish`."""
    parts: list[Part] = []
    delimiter, after = ".", None
    for films in chunks:
        if not films.ranks:
            continue
        previous = films.ranks[0] - 1 if after is None else after
        delimiters, indents = _markers(films.ranks, delimiter, previous)
        delimiter, after = delimiters[-1], films.ranks[-1]
        parts.append(finish("".join(_items(films, delimiters, indents, options))))
    return parts


def _ended(parts: list[Part], newline: Part) -> list[Part]:
    """The parts with one line break at the end of their whole, as `.rstrip("\n") + "\n"`
    would leave it: trimmed from the last parts, not from a copy of the whole."""
    while parts and parts[-1].count(newline) == len(parts[-1]):
        parts.pop()
    if parts:
        parts[-1] = parts[-1].rstrip(newline)
    parts.append(newline)
    return parts


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


def _markers(ranks: Sequence[int], delimiter: str, after: int) -> tuple[list[str], list[str]]:
    """Each item's delimiter after its number, and the indent that lines up its next lines
    with its text; `delimiter` and `after` are the item before's. A renderer numbers a list's
    items from its first one on: a gap in the ranks (a watched-only export) starts a new
    list, which a change of delimiter does."""
    first, count = ranks[0], len(ranks)
    if first == after + 1 and first > 0 and list(ranks) == list(range(first, first + count)):
        # the usual case, in runs of as many digits: 1-9, 10-99, ...
        indents: list[str] = []
        width = len(str(first))
        while len(indents) < count:
            run = min(10**width - first - len(indents), count - len(indents))
            indents += [" " * (width + 2)] * run
            width += 1
        return [delimiter] * count, indents
    delimiters = []
    for rank in ranks:
        if rank != after + 1:
            delimiter = ")" if delimiter == "." else "."
        delimiters.append(delimiter)
        after = rank
    return delimiters, [" " * (len(str(rank)) + 2) for rank in ranks]
