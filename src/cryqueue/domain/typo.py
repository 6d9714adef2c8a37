"""Typo tolerance for the search: which films have, in their title, a word at most one edit
away from a query word (a letter missing, extra, wrong, or two swapped).

Kept compact for the app's 100,000 films: the distinct title words once, in one string
sorted by length, and the films of each word in one array. A query word's neighbours are
found by one regular expression over the words of nearby lengths, so no table of every
word's deletions (a string and a set for each, tens of megabytes for a real vocabulary) is
ever built."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

WORD = re.compile(r"\w+")  # a word of a folded title or query
TYPO_MIN = 4  # letters a word needs before a typo in it is forgiven
# A query word longer than this is compared with each title word of about its length
# directly: its pattern would grow with the square of its length.
_PATTERN_MAX = 40


def title_words(title: str) -> list[str]:
    """The words of a folded title that typo matching knows: Latin letters only, 4 or more."""
    return [w for w in WORD.findall(title) if len(w) >= TYPO_MIN and w.isascii() and w.isalpha()]


def typo_words(query: str) -> list[str]:
    """The words of a folded query to match with typos; none when one is too short."""
    words = [w for w in WORD.findall(query) if w.isascii()]
    return [] if any(len(w) < TYPO_MIN for w in words) else words


class TitleWords:
    """Title words -> the positions of the films whose titles have them."""

    def __init__(self, titles: Iterable[tuple[int, str]]) -> None:
        """`titles`: (position, folded title) pairs."""
        positions: dict[str, array[int]] = {}
        for position, title in titles:
            for word in title_words(title):
                positions.setdefault(word, array("i")).append(position)
        order = sorted(positions, key=lambda w: (len(w), w))
        self._text = "\n".join(order)  # the words, by length, one a line
        self._starts = array("i")  # where each word begins in _text
        self._lengths = array("i", map(len, order))
        self._offsets = array("i", [0])  # word i's films: _films[_offsets[i]:_offsets[i + 1]]
        self._films = array("i")
        at = 0
        for word in order:
            self._starts.append(at)
            at += len(word) + 1
            self._films.extend(positions.pop(word))
            self._offsets.append(len(self._films))

    def near(self, word: str) -> set[int]:
        """Positions of the films whose titles have a word at most one edit from `word`."""
        first = bisect_left(self._lengths, len(word) - 1)
        last = bisect_right(self._lengths, len(word) + 1)
        found: set[int] = set()
        for i in self._candidates(word, first, last):
            if one_edit(word, self._word(i)):
                found.update(self._films[self._offsets[i] : self._offsets[i + 1]])
        return found

    def _candidates(self, word: str, first: int, last: int) -> Iterable[int]:
        """Indexes (first..last-1) of the words that may be one edit from `word`."""
        if first == last or len(word) > _PATTERN_MAX:
            return range(first, last)
        end = self._starts[last] if last < len(self._starts) else len(self._text)
        starts = self._starts
        return (
            bisect_right(starts, hit.start()) - 1
            for hit in _one_edit_pattern(word).finditer(self._text, starts[first], end)
        )

    def _word(self, i: int) -> str:
        start = self._starts[i]
        return self._text[start : start + self._lengths[i]]


def _one_edit_pattern(word: str) -> re.Pattern[str]:
    """A line that is `word`, or `word` with one letter dropped, changed, added or two
    neighbours swapped."""
    e = re.escape
    n = len(word)
    variants = {e(word)}
    variants.update(e(word[:i]) + e(word[i + 1 :]) for i in range(n))
    variants.update(e(word[:i]) + "." + e(word[i + 1 :]) for i in range(n))
    variants.update(e(word[:i]) + "." + e(word[i:]) for i in range(n + 1))
    variants.update(e(word[:i] + word[i + 1] + word[i] + word[i + 2 :]) for i in range(n - 1))
    return re.compile("^(?:{})$".format("|".join(sorted(variants))), re.MULTILINE)


def one_edit(a: str, b: str) -> bool:
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
