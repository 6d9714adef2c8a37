"""Search in two scripts: one function behind `cryqueue search`, `list --search` and the app's
filter.

A query matches a film's English and original titles, cast, director, network, tags and notes,
case- and accent-insensitively (NFC first). Korean queries may use initial consonants (chosung:
`ㄴㄷㅅㄴ` finds 늑대소년), mix them with syllables (`늑ㄷ`), and end in a syllable still being
composed (`하` matches `한…`). Latin words are typo-tolerant (one edit: `windstrck` finds
Windstruck). Results come in tiers: exact title, title prefix, substring anywhere, initial
consonants, typo; within a tier, in ranking order."""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from itertools import chain, compress, repeat
from operator import contains

from cryqueue.domain.films import FilmEntry
from cryqueue.domain.text import norm
from cryqueue.domain.text_blocks import SEP, TextBlocks
from cryqueue.domain.typo import TYPO_MIN, WORD, TitleWords, typo_words

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
SYLLABLES_PER_INITIAL = 588  # 21 vowels x 28 finals
FINALS = 28
# The 19 initial consonants, as the compatibility jamo a keyboard types.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIAL_INDEX = {c: i for i, c in enumerate(INITIALS)}
_HANGUL = re.compile("[\u3131-\u318e\uac00-\ud7a3]")
# Kept of a title's ASCII stretches for the Hangul patterns: a line break (never in a query).
_ASCII_RUN = re.compile("[\x00-\x7f]+")
RECENT_QUERIES = 8  # answers kept for narrowing as the user types
SUGGEST_MAX = 1_000  # a title has at most 500 characters (validate.TITLE_MAX)
TITLES_FIRST, TITLE_FIRST, TITLES_ASIDE = 0, 1, 2  # where a film's titles are kept
OTHER_TITLE, OTHER_ORIGINAL = 4, 8  # and whether in the blocks of lines not in ASCII


class Tier(IntEnum):
    EXACT = 0
    PREFIX = 1
    SUBSTRING = 2
    INITIALS = 3
    TYPO = 4


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics -> their base letters (é -> e), for str.translate."""
    table: dict[int, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and base != char and base.isascii():
            table[code] = base.casefold()
    return table


_ACCENTS = _accent_table()


def fold(text: str) -> str:
    """How text compares in search: NFC, casefolded, Latin accents dropped (Hangul untouched).
    ASCII has no accents to drop: translating it through the table would cost thrice `norm`."""
    return folded(norm(text))


def folded(normed: str) -> str:
    """`fold` of text that `norm` has already normalised (an import normalises each title
    once, for matching and for its search column alike)."""
    return normed if normed.isascii() else normed.translate(_ACCENTS)


def identity_names(title: str, original_title: str | None) -> set[str]:
    """The names that make two films one (with the year): English and original titles,
    folded. The one rule for adding, editing and matching an import's rows, so that an export
    imported again finds every film it came from."""
    return {fold(title), fold(original_title or "")} - {""}


def is_syllable(char: str) -> bool:
    return HANGUL_FIRST <= ord(char) <= HANGUL_LAST


def initials_of(text: str) -> str:
    """Each Hangul syllable replaced by its initial consonant: 늑대소년 -> ㄴㄷㅅㄴ."""
    return "".join(
        INITIALS[(ord(c) - HANGUL_FIRST) // SYLLABLES_PER_INITIAL] if is_syllable(c) else c
        for c in text
    )


def _hangul_pattern(query: str) -> re.Pattern[str] | None:
    """A pattern for a query with initial consonants or a syllable still being typed, or None
    when the query needs no such matching. Consonant -> any syllable that starts with it; a
    last syllable without a final consonant -> the same syllable with any final."""
    has_jamo = any(c in _INITIAL_INDEX for c in query)
    last = query[-1] if query else ""
    open_last = bool(last) and is_syllable(last) and (ord(last) - HANGUL_FIRST) % FINALS == 0
    if not has_jamo and not open_last:
        return None
    parts = []
    for i, char in enumerate(query):
        if char in _INITIAL_INDEX:
            start = HANGUL_FIRST + _INITIAL_INDEX[char] * SYLLABLES_PER_INITIAL
            parts.append(f"[{char}{chr(start)}-{chr(start + SYLLABLES_PER_INITIAL - 1)}]")
        elif i == len(query) - 1 and open_last:
            parts.append(f"[{char}-{chr(ord(char) + FINALS - 1)}]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


@dataclass
class SearchIndex:
    """Films prepared for search; build once, query on every keystroke.

    Lean for 100,000 films: each film's folded text (titles, people, tags, notes) is split in
    two. Its lines in ASCII, which most queries are, stay a str a film (one byte a character;
    typing narrows by testing the films found so far, as fast as Python tests a str). Its
    other lines (Hangul) are kept in blocks (`TextBlocks`), where a str a film cost two bytes
    a character for all of its text and 74 bytes more. The titles of films with Hangul,
    without spaces (for initial consonants), are kept in blocks too; the titles themselves
    are a film's first lines (`title_lines` says where), not strings of their own."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    ascii: list[str] = field(default_factory=list)  # each film's lines in ASCII
    other: TextBlocks = field(default_factory=lambda: TextBlocks())
    hangul: TextBlocks = field(default_factory=lambda: TextBlocks())
    title_lines: bytearray = field(default_factory=bytearray)  # where each film's titles are
    odd_titles: dict[int, tuple[str, str]] = field(default_factory=dict)  # TITLES_ASIDE's
    _words: TitleWords | None = None  # for typo matching, built when needed
    # query -> (positions found, a film may come twice; those found in `ascii`)
    _recent: dict[str, tuple[array[int], array[int]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, films: Iterable[tuple[int, str, str | None, str]], *, other_normalised: bool = False
    ) -> SearchIndex:
        """`films`: (id, title, original title, other text: people, tags, notes), best first.
        `other_normalised`: the other text went through `norm` already (as the database's
        search column does), which saves most of the time of building for 100,000 films."""
        index = cls()
        add_id, add_ascii, add_kind = index.ids.append, index.ascii.append, index.title_lines.append
        for position, (film_id, title, original, other) in enumerate(films):
            t, o = fold(title), fold(original or "")
            add_id(film_id)
            rest = folded(other) if other_normalised else fold(other)
            # The database's search column starts with the titles already: no need to repeat.
            text = rest if rest.startswith(t) else f"{t}\n{o}\n{rest}"
            if SEP in text:  # a query has neither it nor a line break: the same matches
                text = text.replace(SEP, "\n")
            kind = index._titles_kind(position, text, t, o)
            add_kind(kind)
            after = len(t) + len(o) + 1  # where the original title's line ends
            if text.isascii():
                add_ascii(text)
            elif kind == TITLES_FIRST | OTHER_ORIGINAL and text[after:].isascii():
                add_ascii(text[: len(t)] + text[after:])  # the usual film: its title in Hangul
                index.other.add(o, position)
            else:  # a query's matches are within a line: lines may be kept apart
                lines = text.split("\n")
                add_ascii("\n".join([line for line in lines if line.isascii()]))
                index.other.add("\n".join([ln for ln in lines if not ln.isascii()]), position)
            # Hangul patterns can only match Hangul: other titles need no compact form.
            titles = t + o
            if not titles.isascii() and _HANGUL.search(titles):
                index.hangul.add(_ASCII_RUN.sub("\n", titles.replace(" ", "")), position)
        index.other.done()
        index.hangul.done()
        if len(index.ids) and min(index.ids) >= -(2**31) and max(index.ids) < 2**31:
            index.ids = array("i", index.ids)  # half the size, for ids that fit
        return index

    def _titles_kind(self, position: int, text: str, t: str, o: str) -> int:
        """Where a film's folded titles are: its text's first two lines (TITLES_FIRST), its
        first line when it has no original title (TITLE_FIRST), or aside (TITLES_ASIDE); and
        whether each is in the other blocks than ASCII (OTHER_TITLE, OTHER_ORIGINAL)."""
        kind = TITLES_ASIDE
        n, m = len(t), len(t) + 1 + len(o)
        if text.startswith(t) and text[n : n + 1] in ("", "\n"):
            if not o:
                kind = TITLE_FIRST
            elif text.startswith(o, n + 1) and text[m : m + 1] in ("", "\n"):
                kind = TITLES_FIRST
        if kind == TITLES_ASIDE:
            self.odd_titles[position] = (t, o)
            return TITLES_ASIDE
        return kind | (0 if t.isascii() else OTHER_TITLE) | (0 if o.isascii() else OTHER_ORIGINAL)

    def search(self, query: str) -> list[int]:
        """Film ids matching `query`, best tier first, ranking order within a tier."""
        return [film_id for film_id, _tier in self.matches(query)]

    def found_marks(self, query: str) -> bytearray:
        """What `found` finds, as a byte per position (1: found), in the order the films came
        to `build`: for a caller whose films are in that order, no mapping of ids to places
        (longer, for a query's first letter, than finding the films)."""
        marks = bytearray(len(self.ids))
        for position in self._found_positions(query):
            marks[position] = 1
        return marks

    def found(self, query: str) -> array[int]:
        """The ids of the films `query` matches, in no order, a film maybe more than once:
        what a filter needs. An array, 4 bytes a film, where a set of 60,000 ids took 4 MB."""
        return array(self.ids.typecode, map(self.ids.__getitem__, self._found_positions(query)))

    def _found_positions(self, query: str) -> Iterator[int]:
        """The positions of what a filter shows for `query`, a film maybe more than once."""
        q = fold(query)
        positions = self._substring_positions(q)
        # A filter shows near misses only when nothing matches as typed: "love" should not
        # bring in every "live" and "lone" (a ranked search lists those last instead).
        return chain(positions, self._other_tiers(q, typos=not positions))

    def _substring_positions(self, q: str) -> array[int]:
        """Films whose text contains `q` (a film may come twice). Typing narrows: a film whose
        ASCII lines contain "lov" has "lo" in them, so the last few answers are kept and the
        next keystroke tests only their films there. (The other lines are few, in blocks
        that a query passes over at the speed of a search in one str.)"""
        cache = self._recent
        if q not in cache:
            narrower = max((k for k in cache if k in q), key=len, default=None)
            texts = self.ascii
            if not q.isascii():  # ASCII lines cannot hold it
                in_ascii = array("i")
            elif narrower is None:  # every film, tested in C
                in_ascii = array("i", compress(range(len(texts)), map(contains, texts, repeat(q))))
            else:
                in_ascii = array("i", [p for p in cache[narrower][1] if q in texts[p]])
            if len(cache) >= RECENT_QUERIES:
                del cache[next(iter(cache))]
            cache[q] = (in_ascii + self.other.containing(q), in_ascii)
        return cache[q][0]

    def matches(self, query: str) -> list[tuple[int, Tier]]:
        q = fold(query)
        if not q:
            return [(film_id, Tier.SUBSTRING) for film_id in self.ids]
        found = self._positions(q)
        substrings = sorted(p for p, tier in found.items() if tier == Tier.SUBSTRING)
        titles = {p: (t, o) for p, t, o in self._titles(substrings)}
        graded = []
        for position, tier in found.items():
            if tier == Tier.SUBSTRING:
                title, original = titles[position]
                if q in (title, original):
                    tier = Tier.EXACT
                elif title.startswith(q) or original.startswith(q):
                    tier = Tier.PREFIX
            graded.append((tier, position))
        graded.sort()
        return [(self.ids[position], tier) for tier, position in graded]

    def _titles(self, positions: Iterable[int]) -> Iterator[tuple[int, str, str]]:
        """(position, folded title, folded original title) of the films at `positions`, which
        come in ascending order."""
        for position in positions:
            where = self.title_lines[position]
            if where == TITLES_ASIDE:
                yield (position, *self.odd_titles[position])
                continue
            ascii_lines = iter(self.ascii[position].split("\n", 2))
            others = where & (OTHER_TITLE | OTHER_ORIGINAL)
            other_lines = iter(self.other.owned_by(position).split("\n", 2) if others else ())
            title = next(other_lines if where & OTHER_TITLE else ascii_lines)
            if where & TITLE_FIRST:
                yield position, title, ""
            else:
                yield position, title, next(other_lines if where & OTHER_ORIGINAL else ascii_lines)

    def _positions(self, q: str) -> dict[int, Tier]:
        """Positions of matching films: SUBSTRING (to be graded), INITIALS or TYPO."""
        found = dict.fromkeys(self._substring_positions(q), Tier.SUBSTRING)
        for position, tier in self._other_tiers(q).items():
            found.setdefault(position, tier)
        return found

    def _other_tiers(self, q: str, typos: bool = True) -> dict[int, Tier]:
        """Films found by initial consonants or by a typo-tolerant word match."""
        found: dict[int, Tier] = {}
        for owner in self._initials_matches(q.replace(" ", "")):
            found.setdefault(owner, Tier.INITIALS)
        for position in self._typo_matches(q) if typos else ():
            found.setdefault(position, Tier.TYPO)
        return found

    def _initials_matches(self, q: str) -> Iterable[int]:
        """Films whose titles, without spaces, a Hangul pattern of `q` (spaces removed) is
        found in. The titles are kept with each ASCII stretch as one line break, which only
        a query's own ASCII can stand for: such a query's films are checked again whole."""
        pattern = _hangul_pattern(q)
        if pattern is None:
            return ()
        if not _ASCII_RUN.search(q):
            return self.hangul.matching(pattern)
        rough = _hangul_pattern(_ASCII_RUN.sub("\n", q))
        assert rough is not None  # the same syllables and consonants as `pattern`
        return [
            position
            for position, title, original in self._titles(self.hangul.matching(rough))
            if pattern.search((title + original).replace(" ", ""))
        ]

    def _typo_matches(self, q: str) -> set[int]:
        """Films whose title has, for every query word of 4+ letters, a word at most one edit
        away: the cost depends on the query and the vocabulary, not on the library."""
        found: set[int] | None = None
        for word in typo_words(q):
            hits = self._title_words().near(word)
            found = hits if found is None else found & hits
        return found or set()

    def prepare(self) -> None:
        """Build the title-word table typo matching needs (the slow, scan-every-title part), so
        the first typo typed costs no more than the next."""
        self._title_words()

    def _title_words(self) -> TitleWords:
        if self._words is None:
            self._words = TitleWords(self._english_titles())
        return self._words

    def _english_titles(self) -> Iterator[tuple[int, str]]:
        """(position, folded title) of every film: `_titles`' quick way for the usual film,
        whose title is the first line of its text in ASCII."""
        where = self.title_lines
        for position, text in enumerate(self.ascii):
            if where[position] & OTHER_TITLE or where[position] == TITLES_ASIDE:
                yield next(self._titles((position,)))[:2]
            else:
                yield position, text.partition("\n")[0]


TAG_MARK = "#"


def split_tags(query: str) -> tuple[tuple[str, ...], str]:
    """`#word` tokens of a query (tag filters, folded) and the rest of it (text to search)."""
    tags: list[str] = []
    rest: list[str] = []
    for word in query.split():
        if not word.startswith(TAG_MARK):
            rest.append(word)
        elif word.lstrip(TAG_MARK):
            tags.append(fold(word.lstrip(TAG_MARK)))
        # a lone '#' is a tag still being typed: it filters nothing yet
    return tuple(tags), " ".join(rest)


TagIndex = dict[str, "array[int]"]  # folded tag -> the films carrying it


def tag_index(films: Iterable[tuple[int, Sequence[str]]]) -> TagIndex:
    """(film id, tags) pairs, inverted: tag filters then pass over the distinct tags, not over
    every film. Arrays of ids, 8 bytes a film, where sets took 3 MB for 20,000 tagged films."""
    index: TagIndex = {}
    for film_id, tags in films:
        for tag in tags:
            index.setdefault(fold(tag), array("q")).append(film_id)
    return index


def films_tagged(index: TagIndex, wanted: Sequence[str], *, prefix: bool = True) -> set[int]:
    """The films carrying every wanted (folded) tag; with `prefix`, as the user types, a
    wanted 'rain' is satisfied by 'rainy-day'."""
    found: set[int] | None = None
    for want in wanted:
        if prefix:
            ids = set().union(*(films for tag, films in index.items() if tag.startswith(want)))
        else:
            ids = set(index.get(want, ()))
        found = ids if found is None else found & ids
    return found or set()


def search_entries(entries: Sequence[FilmEntry], query: str) -> list[FilmEntry]:
    """`entries` (in ranking order) that match `query`, best match first. `#tag` words keep
    only films with that tag (or one starting so)."""
    tags, text = split_tags(query)
    if tags:
        tagged = films_tagged(tag_index((e.id, e.tags) for e in entries), tags)
        entries = [e for e in entries if e.id in tagged]
    if not text.strip():
        return list(entries)
    index = SearchIndex.build(
        (
            e.id,
            e.title,
            e.original_title,
            "\n".join(filter(None, (e.director, e.network, *e.cast, *e.tags, e.note))),
        )
        for e in entries
    )
    by_id = {e.id: e for e in entries}
    return [by_id[film_id] for film_id in index.search(text)]


def similar_titles(
    films: Iterable[tuple[int, str, str | None]], query: str, limit: int = 3
) -> list[int]:
    """Films (id, title, original title; best first) whose titles `query` may have meant, best
    first: what an unknown title suggests. The search's own tiers (prefix, anywhere, initial
    consonants, one typo), over titles only; if nothing matches, the words of four or more
    letters alone, so that 'momnt to remembr' still finds A Moment to Remember."""
    if len(query) > SUGGEST_MAX:  # longer than any title: nothing to suggest, and no typo
        return []  # table built for a megabyte-long word
    index = SearchIndex.build((i, title, original, "") for i, title, original in films)
    found = index.search(query)
    if not found:
        long_words = [w for w in WORD.findall(fold(query)) if len(w) >= TYPO_MIN]
        if long_words:
            found = index.search(" ".join(long_words))
    return found[:limit]
