"""Many short strings held as few: BLOCK of them joined into one str. A str costs some 50
bytes more than its text, and two or four bytes a character for all of it as soon as one
character needs them: 100,000 films' search texts as one str each took three times their
length. In blocks, they cost their length and two bytes for where each begins (texts in
ASCII, kept apart by the caller, stay one byte a character). A search looks at a whole block
in C first, then at each text of the blocks that have what it looks for, still in C (a
`str.count` or a pattern's `search` between two offsets), copying no text."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from itertools import compress, repeat
from operator import contains

BLOCK = 128  # texts to a block: a few kilobytes
# Between two texts in a block: whitespace to `norm`, so never in a search's query.
SEP = "\x1e"
_SHORT = 0xFFFF  # blocks up to this long keep their offsets in two bytes each


class TextBlocks:
    """Texts in blocks, found by index (in order of adding). Each may have an owner, a film
    position given as it is added (ascending); without, a text's owner is its index."""

    def __init__(self, *, owned: bool) -> None:
        self.blocks: list[str] = []
        self.owners: array[int] | None = array("i") if owned else None
        self._bounds: array[int] = array("H")  # each block's texts' starts, then its end + 1
        self._count = 0
        self._pending: list[str] = []

    def __len__(self) -> int:
        return self._count

    def add(self, text: str, owner: int = 0) -> None:
        """`text` must not contain SEP."""
        self._pending.append(text)
        self._count += 1
        if self.owners is not None:
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
        found: array[int] = array("i")
        for b, block in enumerate(self.blocks):
            if q in block:
                texts = block.split(SEP)
                first = b * BLOCK
                found.extend(
                    compress(range(first, first + len(texts)), map(contains, texts, repeat(q)))
                )
        return self._owners_of(found)

    def matching(self, pattern: re.Pattern[str]) -> array[int]:
        """Owners of the texts `pattern` (which never matches SEP) is found in."""
        found: array[int] = array("i")
        for b, block in enumerate(self.blocks):
            if pattern.search(block):
                texts = block.split(SEP)
                first = b * BLOCK
                found.extend(compress(range(first, first + len(texts)), map(pattern.search, texts)))
        return self._owners_of(found)

    def _owners_of(self, indexes: array[int]) -> array[int]:
        if self.owners is None:
            return indexes
        return array("i", map(self.owners.__getitem__, indexes))

    def text(self, index: int) -> str:
        b = index // BLOCK
        at = index + b
        return self.blocks[b][self._bounds[at] : self._bounds[at + 1] - 1]

    def owned_by(self, owner: int) -> str:
        """The text owned by `owner`, which has one."""
        assert self.owners is not None
        return self.text(bisect_left(self.owners, owner))
