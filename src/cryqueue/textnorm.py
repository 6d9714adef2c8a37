"""Text normalisation shared by lookups, matching on import and search."""

from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_YEAR_SUFFIX = re.compile(r"^(?P<name>.*\S)\s*\((?P<year>\d{4})\)\s*$")


def norm(text: str) -> str:
    """NFC, casefolded, with runs of white space folded to one space: how titles compare.
    Bytes that were not UTF-8 (lone surrogates) become U+FFFD, so a query never breaks SQL."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _SURROGATE.search(text) else text
    # split/join is the regex's \s (Unicode white space) at a quarter of the cost.
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def split_year(query: str) -> tuple[str, int | None]:
    """'Be with You (2018)' -> ('Be with You', 2018); a query without a year keeps None."""
    match = _YEAR_SUFFIX.match(query.strip())
    if match:
        return match["name"], int(match["year"])
    return query.strip(), None


def search_columns(
    title: str,
    original_title: str | None,
    director: str | None,
    network: str | None,
    cast: tuple[str, ...] | list[str],
) -> dict[str, str | None]:
    """The normalised columns stored beside a film's facts, for lookups and the list filter."""
    parts = [title, original_title or "", director or "", network or "", *cast]
    return {
        "title_norm": norm(title),
        "original_norm": norm(original_title) if original_title else None,
        "search_norm": "\n".join(norm(p) for p in parts if p),
    }
