"""A CSV file read as a stream, as often as an import goes through it: its bytes counted as
they are read (a file, a ZIP member, or any reader), its encoding decided once, and its text
handed out line by line. Memory holds a chunk of the file, never the file.

The encoding is decided by a first reading of every byte: a NUL byte anywhere, or one invalid
UTF-8 sequence anywhere, changes how the whole file is read (see `scan`)."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Literal

from cryqueue.domain.errors import UsageError

Read = Callable[[int], bytes]  # like a binary file's read: b"" at the end, short reads allowed
Opener = Callable[[], AbstractContextManager[Read]]
CHUNK = 1 << 20
HEAD = 65536  # characters of a file's start kept to tell its kind, header and separator
HEAD_BYTES = HEAD + 4  # bytes of its start kept: HEAD characters after a BOM, and one more
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
Encoding = Literal["utf-8-sig", "cp1252", "utf-16"]


@dataclass(frozen=True)
class Source:
    """Where a file's bytes come from, each time it is opened; more than `limit` bytes is
    refused with `too_big` ("...; split it and import the parts" is added)."""

    name: str  # as messages name the file
    opener: Opener
    limit: int = 1 << 62
    too_big: str = ""


def bounded(read: Read, limit: int, too_big: str) -> Read:
    """`read`, refused with `too_big` as soon as it has given more than `limit` bytes: the
    size a device or ZIP member claims is not trusted, the bytes read are counted."""
    total = 0

    def counted(size: int) -> bytes:
        nonlocal total
        data = read(size)
        total += len(data)
        if total > limit:
            raise UsageError(f"{too_big}; split it and import the parts")
        return data

    return counted


@contextmanager
def opened(source: Source) -> Iterator[io.BufferedReader]:
    """The source's bytes, buffered: a read gives all it asks for, unless the file ends."""
    with source.opener() as read:
        yield io.BufferedReader(_Raw(bounded(read, source.limit, source.too_big)), CHUNK)


def of_bytes(name: str, data: bytes) -> Source:
    """A file already in memory (a sample of a file, or a test's)."""

    @contextmanager
    def opener() -> Iterator[Read]:
        yield io.BytesIO(data).read

    return Source(name, opener)


@dataclass(frozen=True)
class CsvText:
    """A file's text, decided by `scan`: read again from its source by `lines` each time.
    `error`: why it is not text (raised by whoever needs the text, in the order files are
    taken); `note`: a fallback encoding, for the import's notes."""

    source: Source
    encoding: Encoding
    head: str  # the first HEAD characters
    size: int  # bytes read
    raw_head: bytes  # the first HEAD_BYTES bytes, as they are
    note: str | None = None
    error: UsageError | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def checked(self) -> CsvText:
        """Itself, or its error raised."""
        if self.error is not None:
            raise self.error
        return self

    def lines(self) -> Iterator[str]:
        """The text's lines as csv counts them (CR, LF or CRLF each end one), decoded as read."""
        self.checked()
        with opened(self.source) as raw:
            if self.encoding == "cp1252" and raw.peek(3).startswith(codecs.BOM_UTF8):
                raw.read(3)  # a UTF-8 BOM on a file that is not UTF-8: not text
            try:
                yield from io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            except UnicodeDecodeError:  # the file changed since it was scanned
                raise UsageError(
                    f"{self.name} changed while it was being imported; import it again"
                ) from None


class _Raw(io.RawIOBase):
    """A `Read` as a raw stream, for io's buffered reading and decoding."""

    def __init__(self, read: Read) -> None:
        self._read = read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def scan(source: Source) -> CsvText:
    """Read the file once to decide its encoding, with the rules that reading it whole had:
    UTF-16 with a BOM; else UTF-8 (BOM or not) when every byte is, else Windows-1252 (said in
    the note). A NUL byte (UTF-16 without a BOM, or not text), invalid UTF-16, or one of the
    five bytes Windows-1252 leaves undefined make an `error` naming the line. Errors in
    reading (too large, unreadable) are raised at once: they come before any file's text."""
    with opened(source) as raw:
        first = raw.read(CHUNK)
        if first.startswith(UTF16_BOMS):
            return _Utf16().run(source, first, raw.read)
        return _Bytes().run(source, first, raw.read)


class _Utf16:
    """The scan of a UTF-16 file, its line numbers counted in its decoded text."""

    def run(self, source: Source, first: bytes, read: Read) -> CsvText:
        decoder = codecs.getincrementaldecoder("utf-16")()
        head, lines, size, error = "", 0, 0, None
        chunk = first
        while True:
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                if error is None:
                    before = exc.object[: exc.start]
                    codec = "utf-16-le" if first.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
                    before = before[2:] if size == 0 else before  # the BOM
                    line = lines + before.decode(codec, "replace").count("\n") + 1
                    error = not_text(source.name, line, "it is not valid UTF-16")
                text = ""
            if error is None:
                lines += text.count("\n")
                if len(head) < HEAD:
                    head = (head + text)[:HEAD]
            size += len(chunk)
            if not chunk:
                break
            chunk = read(CHUNK)
        note = f"{source.name} was read as UTF-16"
        return CsvText(source, "utf-16", head, size, first[:HEAD_BYTES], note, error)


class _Bytes:
    """The scan of a file without a UTF-16 BOM, its line numbers counted in LF bytes."""

    def __init__(self) -> None:
        self.lines = 0  # LF bytes before the chunk at hand
        self.nul: int | None = None  # line of the first NUL byte
        self.bad_utf8: int | None = None  # line of the first byte that is not UTF-8
        self.undefined: tuple[int, int] | None = None  # line and value of a cp1252 hole
        self.head = ""

    def run(self, source: Source, first: bytes, read: Read) -> CsvText:
        utf8 = codecs.getincrementaldecoder("utf-8")()
        raw_head = bytearray()
        size = 0
        chunk = first
        while chunk:
            if len(raw_head) < HEAD_BYTES:
                raw_head += chunk[: HEAD_BYTES - len(raw_head)]
            self._check(chunk, utf8)
            self.lines += chunk.count(b"\n")
            size += len(chunk)
            chunk = read(CHUNK)
        self._check(b"", utf8)
        return self._verdict(source, size, bytes(raw_head))

    def _check(self, chunk: bytes, utf8: codecs.IncrementalDecoder) -> None:
        if self.nul is not None:
            return  # the file is refused for it whatever else it holds
        if (at := chunk.find(b"\x00")) >= 0:
            self.nul = self._line(chunk, at)
            return
        if self.bad_utf8 is None:
            pending = len(utf8.getstate()[0])  # the end of a character cut by the last chunk
            try:
                text = utf8.decode(chunk, final=not chunk)
                if len(self.head) < HEAD:
                    self.head = (self.head + text)[: HEAD + 1]
            except UnicodeDecodeError as exc:
                self.bad_utf8 = self._line(chunk, max(exc.start - pending, 0))
        if self.undefined is None and (hole := _CP1252_UNDEFINED.search(chunk)):
            self.undefined = (self._line(chunk, hole.start()), chunk[hole.start()])

    def _line(self, chunk: bytes, at: int) -> int:
        return self.lines + chunk.count(b"\n", 0, at) + 1

    def _verdict(self, source: Source, size: int, raw_head: bytes) -> CsvText:
        name = source.name
        if self.nul is not None:
            error = not_text(name, self.nul, "it has a NUL byte")
            return CsvText(source, "utf-8-sig", "", size, raw_head, error=error)
        if self.bad_utf8 is None:
            head = self.head.removeprefix("\ufeff")[:HEAD]
            return CsvText(source, "utf-8-sig", head, size, raw_head)
        if self.undefined is not None:
            line, byte = self.undefined
            error = not_text(name, line, f"byte 0x{byte:02X}")
            return CsvText(source, "cp1252", "", size, raw_head, error=error)
        head = raw_head.removeprefix(codecs.BOM_UTF8)[:HEAD].decode("cp1252")
        note = f"{name} is not UTF-8 (line {self.bad_utf8}), so it was read as Windows-1252"
        return CsvText(source, "cp1252", head, size, raw_head, note)


def not_text(file: str, line: int, why: str) -> UsageError:
    return UsageError(
        f"{file} line {line}: not UTF-8 or Windows-1252 text ({why}); "
        "save it as CSV in UTF-8 and try again"
    )
