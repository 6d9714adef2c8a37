"""Reading one big array out of a JSON document a piece at a time, so that an export of a
million films is never held whole: neither its bytes nor its parsed tree.

The document is read in chunks and decoded with the standard library's decoder, one value at
a time. Anything that is not valid JSON stops the reading with `json.JSONDecodeError`; its
position is counted from the start of the buffer, not the file, so callers that show it read
the document whole once more to say where (a broken file is the rare case)."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import Any

CHUNK = 1 << 20  # bytes read at a time
MAX_VALUE = 64 << 20  # characters one value may span: far above any film's record
_SPACE = " \t\n\r"
_NUMBER_GOES_ON = frozenset("0123456789.eE+-")  # what may follow a number's start in one
_DECODER = json.JSONDecoder()


class TooLarge(Exception):
    """The document passed the byte limit it was read under."""


class Reader:
    """Text of a binary stream decoded as `json.loads` would (UTF-8, -16 or -32, told apart
    by the first bytes), kept in a buffer that drops what has been decoded."""

    def __init__(self, read: Callable[[int], bytes], limit: int) -> None:
        self._read = read
        self._limit = limit
        self._seen = 0
        head = self._bytes(4)
        self._decoder = codecs.getincrementaldecoder(json.detect_encoding(head))("strict")
        self.buffer = self._decoder.decode(head)
        self.at = 0
        self.done = False
        self.runs = True  # whether `_whole_run` may try this buffer

    def _bytes(self, size: int) -> bytes:
        data = self._read(size)
        self._seen += len(data)
        if self._seen > self._limit:
            raise TooLarge
        return data

    def more(self) -> bool:
        """Read another chunk into the buffer; False at the end of the stream."""
        if self.done:
            return False
        data = self._bytes(CHUNK)
        self.buffer = self.buffer[self.at :] + self._decoder.decode(data, final=not data)
        self.at = 0
        self.done = not data
        self.runs = True
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the document)."""
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in _SPACE:
                self.at += 1
            if self.at < len(self.buffer) or not self.more():
                return self.buffer[self.at : self.at + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"Expecting {char!r}", self.buffer, self.at)
        self.at += 1

    def value(self) -> Any:
        """The next JSON value. A value is taken only once the character after it is in the
        buffer too, and cannot go on a number: a number cut at the buffer's end ("3." of
        3.5, "1e" of 1e5) would otherwise read as a shorter one, and the rest as an error."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.buffer, self.at)
            except json.JSONDecodeError:
                if len(self.buffer) - self.at < MAX_VALUE and self.more():
                    continue
                raise
            if (end < len(self.buffer) and self.buffer[end] not in _NUMBER_GOES_ON) or self.done:
                self.at = end
                return found
            self.more()


def items(reader: Reader) -> Iterator[Any]:
    """The values of the array that starts at the reader's position, one at a time."""
    reader.expect("[")
    if reader.peek() == "]":
        reader.at += 1
        return
    while True:
        run = _whole_run(reader)
        if run:
            yield from run
        else:
            yield reader.value()
        if reader.peek() == "]":
            reader.at += 1
            return
        reader.expect(",")


RUN_MIN = 1 << 12  # characters of objects worth decoding as one run


def _whole_run(reader: Reader) -> list[Any]:
    """The objects from the reader's position up to the last "}," in its buffer, decoded in
    one call as the array they would make, the reader left at that comma: the decoder's own
    loop instead of ours, an export's films at a third less cost. Empty if that text is not a
    run of whole values (its "}," inside a string or a nested object; the decoder says so, as
    it would of any cut that is not between two values): the values are then read one at a
    time, and this buffer is not tried again."""
    if not reader.runs or reader.peek() != "{":
        return []
    buffer, at = reader.buffer, reader.at
    cut = buffer.rfind("},", at) + 1
    if cut - at < RUN_MIN:
        return []
    text = f"[{buffer[at:cut]}]"
    try:
        run, end = _DECODER.raw_decode(text)
    except json.JSONDecodeError:
        run, end = None, 0
    if end != len(text) or not isinstance(run, list):
        reader.runs = False
        return []
    reader.at = cut
    return run


def members(reader: Reader) -> Iterator[str]:
    """The keys of the object that starts at the reader's position. After each key, the
    caller reads its value (`value()` or `items()`) before asking for the next key."""
    reader.expect("{")
    if reader.peek() == "}":
        reader.at += 1
        return
    while True:
        if reader.peek() != '"':
            raise json.JSONDecodeError("Expecting property name", reader.buffer, reader.at)
        key = reader.value()
        reader.expect(":")
        yield key
        if reader.peek() == "}":
            reader.at += 1
            return
        reader.expect(",")


def end(reader: Reader) -> None:
    """Only white space may follow the document."""
    if reader.peek():
        raise json.JSONDecodeError("Extra data", reader.buffer, reader.at)
