"""Reading the CSV files other services export, and the same files re-saved by spreadsheets:
UTF-8 (with or without a BOM), else Windows-1252 or UTF-16 with a BOM; `,`, `;` or tab between
values; quoted commas and line breaks. A row that cannot be read costs that row (a `Skip` with
its reason), not the file; only a file that is not a CSV at all is refused, naming the line."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import NO_YEAR, Skip, SkipGroup

T = TypeVar("T")
MAX_FIELD = 2_000_000  # a long review; csv's default limit is 128 KiB
DELIMITERS = (",", ";", "\t")  # Letterboxd and IMDb write commas; spreadsheets may not
NO_TITLE = SkipGroup("without a title")
TOO_MANY = SkipGroup("with more values than the header")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class RowSkipped(Exception):
    """A row that is left out: raised while reading it, caught by `read_rows`."""

    def __init__(self, reason: str, group: SkipGroup) -> None:
        super().__init__(reason)
        self.reason = reason
        self.group = group


@dataclass(frozen=True)
class Row:
    """One record of a CSV file: its values by normalised column name, and where it starts."""

    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"

    def get(self, *names: str) -> str:
        """The first of `names` (normalised column names) that the row has, stripped."""
        for name in names:
            value = self.values.get(name)
            if value is not None:
                return value.strip()
        return ""

    def raw(self, name: str) -> str:
        """A value exactly as the file has it (a review keeps its line breaks and spaces)."""
        return self.values.get(name) or ""

    def check(self, validator: Callable[[], T], what: str) -> T:
        """Run a validator; a value it refuses skips the row, counted as 'with a bad `what`'."""
        try:
            return validator()
        except UsageError as exc:
            raise RowSkipped(str(exc), SkipGroup.bad(what)) from None


def read_rows(
    rows: Iterable[Row], skipped: list[Skip], read: Callable[[Row], T]
) -> Iterator[tuple[Row, T]]:
    """(row, what `read` makes of it) for every row `read` does not skip; the skipped ones go
    to `skipped` with their reason."""
    for row in rows:
        try:
            yield row, read(row)
        except RowSkipped as skip:
            skipped.append(Skip(row.where, row.get("name", "title"), skip.reason, skip.group))


def row_facts(row: Row, title: str, no_year: str, **more: Any) -> FilmFacts:
    """A row's film: its title, year and Directors checked (with `more` facts). A row without
    a year (empty, or IMDb's `????`) is skipped with the reason `no_year`: the services list
    films not dated yet."""
    if not title:
        raise RowSkipped("the film has no Name or Title", NO_TITLE)
    year = row.get("year")
    if not year.strip("?"):
        raise RowSkipped(no_year, NO_YEAR)
    return FilmFacts(
        title=row.check(lambda: validate.title(title), "title"),
        year=row.check(lambda: validate.year(year), "year"),
        director=row.check(
            lambda: validate.optional_text(row.get("directors"), "Directors"), "director"
        ),
        **more,
    )


def column_key(name: str) -> str:
    """'Title Type', 'Title type' and 'titleType' all become 'titletype'."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def decode(file: str, data: bytes, notes: list[str]) -> str:
    """The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252, which
    spreadsheets and older IMDb exports write (its superset of Latin-1 reads Latin-1 files
    too); a fallback is said in `notes`. Neither: a NUL byte (UTF-16 without a BOM, or not text
    at all) or one of the five bytes Windows-1252 leaves undefined; refused, naming the line."""
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise _not_text(file, line, "it is not valid UTF-16") from None
        notes.append(f"{file} was read as UTF-16")
        return text
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _not_text(file, data.count(b"\n", 0, nul) + 1, "it has a NUL byte")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = data.count(b"\n", 0, exc.start) + 1
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError as exc:
        byte = f"byte 0x{data[exc.start]:02X}"
        raise _not_text(file, data.count(b"\n", 0, exc.start) + 1, byte) from None
    notes.append(f"{file} is not UTF-8 (line {first_bad}), so it was read as Windows-1252")
    return text


def _not_text(file: str, line: int, why: str) -> UsageError:
    return UsageError(
        f"{file} line {line}: not UTF-8 or Windows-1252 text ({why}); "
        "save it as CSV in UTF-8 and try again"
    )


def delimiter(text: str) -> str:
    """The separator of the first line that has one (a list file's first line has none):
    whichever of `,`, `;` and tab it holds most of, a comma on a tie."""
    for line in text[:8192].splitlines()[:8]:
        best = max(DELIMITERS, key=line.count)
        if line.count(best):
            return best
    return ","


def records(file: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields) for every record, blank lines included as []."""
    csv.field_size_limit(MAX_FIELD)
    separator = delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    start = last = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            _refuse_open_quote(file, text, last, separator)
            return
        except csv.Error as exc:
            raise UsageError(f"{file} line {reader.line_num}: {exc}; is it a CSV file?") from None
        yield start, fields
        last, start = start, reader.line_num + 1


def _refuse_open_quote(file: str, text: str, last: int, separator: str) -> None:
    """A quote opened in the last record and never closed swallows the rest of the file into
    one value: that is a broken file, named at the line the quote opens on, not a skipped row."""
    # Lines as csv counted them (CR, LF or CRLF each end one), from the last record's start.
    lines = io.StringIO(text, newline="")
    tail = "".join(itertools.islice(lines, last - 1, None))
    try:
        for _fields in csv.reader(io.StringIO(tail, newline=""), delimiter=separator, strict=True):
            pass
    except csv.Error:
        raise UsageError(
            f"{file} line {last}: a quoted value that starts on this line is never closed "
            '(a missing "); fix the quote and try again'
        ) from None


def table(file: str, rows: Iterator[tuple[int, list[str]]], skipped: list[Skip]) -> Iterator[Row]:
    """Rows keyed by the header (the first record). Blank records (a spreadsheet's trailing
    `;;;;` too) are passed over; a record with more values than the header is skipped."""
    header: list[str] | None = None
    for line, fields in rows:
        if not fields or not (fields[0].strip() or any(f.strip() for f in fields)):
            continue
        if header is None:
            header = [column_key(f) for f in fields]
            continue
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            values = dict(zip(header, fields, strict=False))
            name = (values.get("name") or values.get("title") or "").strip()
            reason = (
                f"{len(fields)} values where the header has {len(header)}; "
                "a comma inside a value needs quotes"
            )
            skipped.append(Skip(f"{file} line {line}", name, reason, TOO_MANY))
            continue
        yield Row(file, line, dict(zip(header, fields, strict=False)))


def header_of(text: str) -> list[str]:
    """The normalised names of the first non-blank record's fields (to tell formats apart)."""
    head = text[:65536]
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter(head))
    first = next((r for r in reader if any(f.strip() for f in r)), [])
    return [column_key(f) for f in first]
