"""Columns the app's list is kept in (`listing.Listing`): where each film is by its id, and
texts as UTF-8 in one buffer, each a few bytes where a str costs some 50 more."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

NONE = -1  # no tear level, no rating, no place: in a column of small numbers


class Places:
    """Film id -> position: an array indexed by id while ids are dense (4 bytes a film, the
    usual case), a dict when they are not (a library whose films came and went by the
    million)."""

    def __init__(self, ids: Sequence[int]) -> None:
        top = max(ids, default=0)
        self._dense: array[int] | None = None
        self._sparse: dict[int, int] | None = None
        if top <= 4 * len(ids) + 1024:
            self._dense = array("i", [NONE]) * (top + 1)
        else:
            self._sparse = {}
        self.set(ids, 0, len(ids))

    def get(self, film_id: int) -> int | None:
        if self._dense is not None:
            at = self._dense[film_id] if 0 <= film_id < len(self._dense) else NONE
            return None if at == NONE else at
        assert self._sparse is not None
        return self._sparse.get(film_id)

    def set(self, ids: Sequence[int], start: int, stop: int) -> None:
        """The films at positions start..stop-1 of `ids` are there now."""
        dense, sparse = self._dense, self._sparse
        for position in range(start, stop):
            if dense is not None:
                dense[ids[position]] = position
            else:
                assert sparse is not None
                sparse[ids[position]] = position

    def marks(self, ids: Iterable[int], size: int) -> bytearray:
        """A byte per position (`size` of them), 1 where a film of `ids` is: a filter's
        answer, where a set of 60,000 films took 4 MB (a filter's first letter finds that
        many). Ids not placed are passed over."""
        marks = bytearray(size)
        if self._dense is not None:
            dense, top = self._dense, len(self._dense)
            for film_id in ids:
                if 0 <= film_id < top and (at := dense[film_id]) != NONE:
                    marks[at] = 1
        else:
            assert self._sparse is not None
            places = self._sparse
            for film_id in ids:
                if (place := places.get(film_id)) is not None:
                    marks[place] = 1
        return marks

    def drop(self, film_id: int) -> None:
        if self._dense is not None:
            self._dense[film_id] = NONE
        elif self._sparse is not None:
            self._sparse.pop(film_id, None)


class Texts:
    """Strings kept as UTF-8 in one buffer: a title costs its bytes and 8 more, where a str
    costs 50 bytes more than its text (and a Hangul one twice its length). A column of
    them is two arrays, start and length, that move with the other columns."""

    NO_TEXT = 0xFFFF_FFFF  # the length of None (a title may come from any program)

    def __init__(self) -> None:
        self._buffer = bytearray()

    def add(self, text: str | None, starts: array[int], lengths: array[int], at: int) -> None:
        """Store `text` for position `at` (appended when `at` is the columns' length)."""
        start, data = len(self._buffer), b"" if text is None else text.encode()
        self._buffer += data
        length = self.NO_TEXT if text is None else len(data)
        if at == len(starts):
            starts.append(start)
            lengths.append(length)
        else:  # the old bytes stay behind: an edited title is rare
            starts[at], lengths[at] = start, length

    def get(self, start: int, length: int) -> str | None:
        if length == self.NO_TEXT:
            return None
        return self._buffer[start : start + length].decode()
