"""Many short strings held as few: BLOCK of them joined into one str. A str costs some 50
bytes more than its text (74 for one beyond Latin-1, as Hangul is), and two bytes a character
for all of its text as soon as one character needs them. In blocks, texts cost their length
and two bytes for where each begins. A search looks at a whole block in C first, and splits
only the blocks that have what it looks for: for texts that most searches pass over (a
search's Hangul lines, the titles with Hangul), where a str each would be tested faster."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import partial
from itertools import compress, repeat
from operator import contains

BLOCK = 128  # texts to a block: a few kilobytes
# Between two texts in a block: whitespace to `norm`, so never in a search's query.
SEP = "\x1e"
_SHORT = 0xFFFF  # blocks up to this long keep their offsets in two bytes each


class TextBlocks:
    """Texts in blocks, each owned by a film position, given (ascending) as it is added."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.owners: array[int] = array("i")
        self._bounds: array[int] = array("H")  # each block's texts' starts, then its end + 1
        self._pending: list[str] = []

    def add(self, text: str, owner: int) -> None:
        """`text` must not contain SEP."""
        self._pending.append(text)
        self.owners.append(owner)
        if len(self._pending) == BLOCK:
            self.done()

    def done(self) -> None:
        """Store what was added last (call once all is added)."""
        pending = self._pending
        if not pending:
            return
        block = SEP.join(pending)
        if len(block) + 1 > _SHORT and self._bounds.typecode == "H":
            self._bounds = array("I", self._bounds)
        at = 0
        for text in pending:
            self._bounds.append(at)
            at += len(text) + 1
        self._bounds.append(at)
        self.blocks.append(block)
        pending.clear()

    def containing(self, q: str) -> array[int]:
        """Owners of the texts that contain `q` (which has no SEP)."""
        return self._find(lambda text: q in text, lambda texts: map(contains, texts, repeat(q)))

    def matching(self, pattern: re.Pattern[str]) -> array[int]:
        """Owners of the texts `pattern` (which never matches SEP) is found in."""
        return self._find(pattern.search, partial(map, pattern.search))

    def _find(
        self, test: Callable[[str], object], tests: Callable[[list[str]], Iterable[object]]
    ) -> array[int]:
        """Owners of the texts in the blocks `test` passes that `tests` pass, in C."""
        found: array[int] = array("i")
        for b, block in enumerate(self.blocks):
            if test(block):
                texts = block.split(SEP)
                first = b * BLOCK
                found.extend(compress(self.owners[first : first + len(texts)], tests(texts)))
        return found

    def owned_by(self, owner: int) -> str:
        """The text owned by `owner`, which has one."""
        index = bisect_left(self.owners, owner)
        b = index // BLOCK
        at = index + b  # each block has one bound more than it has texts
        return self.blocks[b][self._bounds[at] : self._bounds[at + 1] - 1]
