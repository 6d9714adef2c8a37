"""`export --format csv`: every field of every film, a row each in ranking order, for a
spreadsheet. The columns are the film's `COLUMNS`, headed by their JSON keys, as in
`list --format json`, so the two never drift apart."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from cryqueue.domain.films import COLUMN_KEYS, FilmEntry

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
    writer.writerow(COLUMN_KEYS)
    writer.writerows([cell(value) for value in entry.to_json().values()] for entry in entries)
    return BOM + out.getvalue()
