"""Reading the CSV files other services export: UTF-8 with or without a BOM, quoted commas and
line breaks, and every problem reported with the file and the line it starts on."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from . import validate
from .entries import FilmFacts
from .errors import UsageError
from .records import Skip

T = TypeVar("T")
MAX_FIELD = 2_000_000  # a long review; csv's default limit is 128 KiB


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

    def fail(self, problem: str) -> UsageError:
        return UsageError(f"{self.where}: {problem}")

    def check(self, validator: Callable[[], T]) -> T:
        """Run a validator, naming this row in its message."""
        try:
            return validator()
        except UsageError as exc:
            raise self.fail(str(exc)) from None


def row_facts(
    row: Row, title: str, skipped: list[Skip], no_year: str, **more: Any
) -> FilmFacts | None:
    """A row's film: its title, year and Directors checked (with `more` facts); a row without a
    year is skipped with the reason `no_year` (the services list films not dated yet)."""
    year = row.get("year")
    if not year:
        skipped.append(Skip(row.where, title, no_year))
        return None
    return FilmFacts(
        title=row.check(lambda: validate.title(title)),
        year=row.check(lambda: validate.year(year)),
        director=row.check(lambda: validate.optional_text(row.get("directors"), "Directors")),
        **more,
    )


def column_key(name: str) -> str:
    """'Title Type', 'Title type' and 'titleType' all become 'titletype'."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def decode(file: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{file} line {line}: the file is not UTF-8 text; save it as UTF-8 and try again"
        ) from None


def records(file: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields) for every record, blank lines included as []."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"{file} line {reader.line_num}: {exc}; is it a CSV file?") from None
        yield start, fields
        start = reader.line_num + 1


def table(file: str, rows: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    """Rows keyed by the header (the first record); blank records are passed over."""
    header: list[str] | None = None
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header = [column_key(f) for f in fields]
            continue
        if len(fields) > len(header):
            raise UsageError(
                f"{file} line {line}: {len(fields)} fields where the header has "
                f"{len(header)}; a comma inside a value needs quotes"
            )
        yield Row(file, line, dict(zip(header, fields, strict=False)))


def header_of(text: str) -> list[str]:
    """The normalised names of the first record's fields (to tell formats apart)."""
    first = next(csv.reader(io.StringIO(text[:65536], newline="")), [])
    return [column_key(f) for f in first]
