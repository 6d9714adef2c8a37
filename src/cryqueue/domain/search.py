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
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from cryqueue.domain.films import FilmEntry
from cryqueue.domain.text import norm

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
SYLLABLES_PER_INITIAL = 588  # 21 vowels x 28 finals
FINALS = 28
# The 19 initial consonants, as the compatibility jamo a keyboard types.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIAL_INDEX = {c: i for i, c in enumerate(INITIALS)}
_WORD = re.compile(r"\w+")
_HANGUL = re.compile("[\u3131-\u318e\uac00-\ud7a3]")
TYPO_MIN = 4  # letters a word needs before a typo in it is forgiven
RECENT_QUERIES = 8  # answers kept for narrowing as the user types
SUGGEST_MAX = 1_000  # a title has at most 500 characters (validate.TITLE_MAX)


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
    normed = norm(text)
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
    """Films (in ranking order) prepared for search; build once, query on every keystroke.

    Each film is three folded strings: its titles, its titles without spaces (for Hangul
    patterns, which run over all films joined into one string, at the regex engine's speed),
    and everything searchable."""

    ids: list[int] = field(default_factory=list)
    titles: list[tuple[str, str]] = field(default_factory=list)
    everything: list[str] = field(default_factory=list)
    compact: str = ""  # the compact titles of films with Hangul in them, joined by newlines
    starts: array[int] = field(default_factory=lambda: array("i"))  # where each begins there
    owners: array[int] = field(default_factory=lambda: array("i"))  # and whose it is
    _words: dict[str, array[int]] | None = None  # title word -> positions, built when needed
    _deletes: dict[str, set[str]] | None = None
    _recent: dict[str, array[int]] = field(default_factory=dict)  # query -> positions

    @classmethod
    def build(
        cls, films: Iterable[tuple[int, str, str | None, str]], *, other_normalised: bool = False
    ) -> SearchIndex:
        """`films`: (id, title, original title, other text: people, tags, notes), best first.
        `other_normalised`: the other text went through `norm` already (as the database's
        search column does), which saves most of the time of building for 100,000 films."""
        index = cls()
        compact: list[str] = []
        offset = 0
        for position, (film_id, title, original, other) in enumerate(films):
            t, o = fold(title), fold(original or "")
            index.ids.append(film_id)
            index.titles.append((title, original or ""))  # the caller's strings, not copies
            if not other_normalised:
                rest = fold(other)
            else:  # ASCII has no accents to drop: keep the caller's string, not a copy
                rest = other if other.isascii() else other.translate(_ACCENTS)
            # The database's search column starts with the titles already: no need to repeat.
            index.everything.append(rest if rest.startswith(t) else f"{t}\n{o}\n{rest}")
            # Hangul patterns can only match Hangul: other titles need no compact form.
            if _HANGUL.search(t + o):
                joined = (t + o).replace(" ", "")
                compact.append(joined)
                index.starts.append(offset)
                index.owners.append(position)
                offset += len(joined) + 1
        index.compact = "\n".join(compact)
        return index

    def search(self, query: str) -> list[int]:
        """Film ids matching `query`, best tier first, ranking order within a tier."""
        return [film_id for film_id, _tier in self.matches(query)]

    def matching(self, query: str) -> set[int]:
        """The ids of the films `query` matches, in no order: what a filter needs (cheaper
        than `matches`, which also grades each film)."""
        q = fold(query)
        ids = self.ids
        found = {ids[p] for p in self._substring_positions(q)}
        # A filter shows near misses only when nothing matches as typed: "love" should not
        # bring in every "live" and "lone" (a ranked search lists those last instead).
        found.update(ids[p] for p in self._other_tiers(q, typos=not found))
        return found

    def _substring_positions(self, q: str) -> array[int]:
        """Films whose text contains `q`. Typing narrows: a film that contains "lov" contains
        "lo", so the last few answers are kept and the next keystroke looks only inside one."""
        cache = self._recent
        if q in cache:
            return cache[q]
        narrower = max((k for k in cache if k in q), key=len, default=None)
        everything = self.everything
        candidates = cache[narrower] if narrower is not None else range(len(everything))
        found = array("i", [p for p in candidates if q in everything[p]])
        if len(cache) >= RECENT_QUERIES:
            del cache[next(iter(cache))]
        cache[q] = found
        return found

    def matches(self, query: str) -> list[tuple[int, Tier]]:
        q = fold(query)
        if not q:
            return [(film_id, Tier.SUBSTRING) for film_id in self.ids]
        graded = []
        for position, tier in self._positions(q).items():
            if tier == Tier.SUBSTRING:
                title, original = (fold(text) for text in self.titles[position])
                if q in (title, original):
                    tier = Tier.EXACT
                elif title.startswith(q) or original.startswith(q):
                    tier = Tier.PREFIX
            graded.append((tier, position))
        graded.sort()
        return [(self.ids[position], tier) for tier, position in graded]

    def _positions(self, q: str) -> dict[int, Tier]:
        """Positions of matching films: SUBSTRING (to be graded), INITIALS or TYPO."""
        if not q:
            return dict.fromkeys(range(len(self.ids)), Tier.SUBSTRING)
        found = dict.fromkeys(self._substring_positions(q), Tier.SUBSTRING)
        for position, tier in self._other_tiers(q).items():
            found.setdefault(position, tier)
        return found

    def _other_tiers(self, q: str, typos: bool = True) -> dict[int, Tier]:
        """Films found by initial consonants or by a typo-tolerant word match."""
        found: dict[int, Tier] = {}
        pattern = _hangul_pattern(q.replace(" ", ""))
        if pattern is not None:
            for hit in pattern.finditer(self.compact):
                owner = self.owners[bisect_right(self.starts, hit.start()) - 1]
                found.setdefault(owner, Tier.INITIALS)
        for position in self._typo_matches(q) if typos else ():
            found.setdefault(position, Tier.TYPO)
        return found

    def _typo_matches(self, q: str) -> set[int]:
        """Films whose title has, for every query word of 4+ letters, a word at most one edit
        away (a letter missing, extra, wrong, or two swapped), found through single deletions
        so that the cost depends on the query, not on the library."""
        words = [w for w in _WORD.findall(q) if w.isascii()]
        if not words or any(len(w) < TYPO_MIN for w in words):
            return set()
        found: set[int] | None = None
        for word in words:
            hits: set[int] = set()
            for candidate in self._near(word):
                hits.update(self._title_words().get(candidate, ()))
            found = hits if found is None else found & hits
        return found or set()

    def _near(self, word: str) -> set[str]:
        deletes = self._delete_index()
        mine = _deletions(word) | {word}
        out: set[str] = set()
        for key in mine:
            out |= deletes.get(key, set())
        return {w for w in out if _one_edit(word, w)}

    def prepare(self) -> None:
        """Build the title-word table typo matching needs (the slow, scan-every-title part), so
        the first typo typed costs no more than the next. The deletion table, which grows with
        the vocabulary, stays lazy."""
        self._title_words()

    def _title_words(self) -> dict[str, array[int]]:
        """Title words (Latin, 4+ letters) -> positions: for typo matching, built on first use."""
        if self._words is None:
            words: dict[str, array[int]] = {}
            for position, (title, _original) in enumerate(self.titles):
                for word in _WORD.findall(fold(title)):
                    if len(word) >= TYPO_MIN and word.isascii() and word.isalpha():
                        words.setdefault(word, array("i")).append(position)
            self._words = words
        return self._words

    def _delete_index(self) -> dict[str, set[str]]:
        if self._deletes is None:
            self._deletes = {}
            for word in self._title_words():
                if len(word) >= TYPO_MIN - 1:
                    for key in _deletions(word) | {word}:
                        self._deletes.setdefault(key, set()).add(word)
        return self._deletes


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


TagIndex = dict[str, set[int]]  # folded tag -> the films carrying it


def tag_index(films: Iterable[tuple[int, Sequence[str]]]) -> TagIndex:
    """(film id, tags) pairs, inverted: tag filters then pass over the distinct tags, not over
    every film."""
    index: TagIndex = {}
    for film_id, tags in films:
        for tag in tags:
            index.setdefault(fold(tag), set()).add(film_id)
    return index


def films_tagged(index: TagIndex, wanted: Sequence[str], *, prefix: bool = True) -> set[int]:
    """The films carrying every wanted (folded) tag; with `prefix`, as the user types, a
    wanted 'rain' is satisfied by 'rainy-day'."""
    found: set[int] | None = None
    for want in wanted:
        if prefix:
            ids = set().union(*(films for tag, films in index.items() if tag.startswith(want)))
        else:
            ids = index.get(want, set())
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
        long_words = [w for w in _WORD.findall(fold(query)) if len(w) >= TYPO_MIN]
        if long_words:
            found = index.search(" ".join(long_words))
    return found[:limit]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
