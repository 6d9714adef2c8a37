"""`export --format csv`: every field of every film, a row each in ranking order, for a
spreadsheet. The columns are those of `list --format json`, so the two never drift apart."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from cryqueue.domain.films import FilmEntry

BOM = "\ufeff"  # so that spreadsheet programs read the file as UTF-8 (Hangul intact)
# A cell starting with these is a formula to a spreadsheet; a leading ' keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a spreadsheet cell: a list joined with '; ', and a cell that would start a
    formula kept text by one leading ' (at the cell's start only, not each element's)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def export_text(entries: Iterable[FilmEntry]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    header: list[str] | None = None
    for entry in entries:
        document = entry.to_json()
        if header is None:
            header = list(document)
            writer.writerow(header)
        writer.writerow([cell(document[name]) for name in header])
    if header is None:
        writer.writerow(list(FilmEntry(0, 0, "", None, 0).to_json()))
    return BOM + out.getvalue()
