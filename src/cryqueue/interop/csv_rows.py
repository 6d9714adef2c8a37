"""Reading the CSV files other services export, and the same files re-saved by spreadsheets:
UTF-8 (with or without a BOM), else Windows-1252 or UTF-16 with a BOM; `,`, `;` or tab between
values; quoted commas and line breaks. A row that cannot be read costs that row (a `Skip` with
its reason), not the file; only a file that is not a CSV at all is refused, naming the line."""

from __future__ import annotations

import csv
import io
import pickle
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import NO_YEAR, ImportBatch, ImportRecord, Skip, SkipGroup
from cryqueue.interop.csv_source import CsvText, of_bytes, scan

T = TypeVar("T")
MAX_FIELD = 2_000_000  # a long review; csv's default limit is 128 KiB
DELIMITERS = (",", ";", "\t")  # Letterboxd and IMDb write commas; spreadsheets may not
NO_TITLE = SkipGroup("without a title")
TOO_MANY = SkipGroup("with more values than the header")


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
    """The text of bytes in memory (a sample of a file), read as `csv_source.scan` reads a
    file; a fallback encoding is said in `notes`."""
    text = scan(of_bytes(file, data)).checked()
    if text.note:
        notes.append(text.note)
    return "".join(text.lines())


def delimiter(text: str) -> str:
    """The separator of the first line that has one (a list file's first line has none):
    whichever of `,`, `;` and tab it holds most of, a comma on a tie."""
    for line in text[:8192].splitlines()[:8]:
        best = max(DELIMITERS, key=line.count)
        if line.count(best):
            return best
    return ","


def records(text: CsvText) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields) for every record, blank lines included as
    [], read from the file as they come."""
    csv.field_size_limit(MAX_FIELD)
    file, separator = text.name, delimiter(text.head)
    taken: list[str] = []  # the lines of the record being read

    def lines() -> Iterator[str]:
        for line in text.lines():
            taken.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=separator)
    start = start_of_last = 1
    last_lines: list[str] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            _refuse_open_quote(file, last_lines, line=start_of_last, separator=separator)
            return
        except csv.Error as exc:
            raise UsageError(f"{file} line {reader.line_num}: {exc}; is it a CSV file?") from None
        yield start, fields
        last_lines = taken[:]
        taken.clear()
        start_of_last, start = start, reader.line_num + 1


def _refuse_open_quote(file: str, lines: list[str], line: int, separator: str) -> None:
    """A quote opened in the last record and never closed swallows the rest of the file into
    one value: that is a broken file, named at the line the quote opens on, not a skipped row.
    `lines`: the last record's lines, as csv counted them."""
    try:
        for _fields in csv.reader(lines, delimiter=separator, strict=True):
            pass
    except csv.Error:
        raise UsageError(
            f"{file} line {line}: a quoted value that starts on this line is never closed "
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


KEEP = 5_000  # records held in memory; more are kept in a temporary file
BLOCK = 1_000  # records pickled together in that file


class Kept:
    """The records of an import's files, checked once as the files are read: held in memory
    while there are at most KEEP, else kept in an anonymous temporary file and read back in
    blocks each time the import goes through them. Checking a row costs about five times
    what reading its record back does, and the file grows on disk, not in memory."""

    def __init__(self) -> None:
        self.count = 0
        self._held: list[ImportRecord] = []
        self._spill: _Spill | None = None

    def add(self, record: ImportRecord) -> None:
        self.count += 1
        self._held.append(record)
        if len(self._held) > (KEEP if self._spill is None else BLOCK):
            self._spill = self._spill or _Spill()
            self._spill.write(self._held)
            self._held = []

    def finish(self, batch: ImportBatch) -> None:
        """The batch's records: the ones held, or the temporary file's."""
        if self._spill is None:
            batch.records = self._held
        else:
            self._spill.write(self._held)
            batch.stream = self._spill


class _Spill:
    """Records pickled a block at a time into a temporary file nobody else can open (it has
    no name), which goes when the import's batch does."""

    def __init__(self) -> None:
        self._blocks: list[tuple[int, int]] = []  # (offset, size)
        self._end = 0
        self._lock = threading.Lock()  # the writer reads in a thread of its own
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the batch)
        except OSError as exc:
            raise _no_room(exc) from None

    def write(self, records: list[ImportRecord]) -> None:
        for at in range(0, len(records), BLOCK):
            data = pickle.dumps(records[at : at + BLOCK], pickle.HIGHEST_PROTOCOL)
            with self._lock:
                try:
                    self._file.seek(self._end)
                    self._file.write(data)
                except OSError as exc:
                    raise _no_room(exc) from None
            self._blocks.append((self._end, len(data)))
            self._end += len(data)

    def __iter__(self) -> Iterator[ImportRecord]:
        for offset, size in self._blocks:
            with self._lock:
                self._file.seek(offset)
                data = self._file.read(size)
            yield from pickle.loads(data)


def _no_room(exc: OSError) -> UsageError:
    return UsageError(
        f"cannot keep the import's records in a temporary file ({exc.strerror}); "
        "free some disk space and try again"
    )
