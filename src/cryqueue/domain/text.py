"""Text normalisation shared by lookups, matching on import and search."""

from __future__ import annotations

import re
import unicodedata

# Lone surrogates: what Python makes of bytes that are not UTF-8 (e.g. a Latin-1 argument).
SURROGATE = re.compile(r"[\ud800-\udfff]")
_YEAR_SUFFIX = re.compile(r"^(?P<name>.*\S)\s*\((?P<year>\d{4})\)\s*$")


def norm(text: str) -> str:
    """NFC, casefolded, with runs of white space folded to one space: how titles compare.
    Bytes that were not UTF-8 (lone surrogates) become U+FFFD, so a query never breaks SQL."""
    if text.isascii():  # most titles and names: NFC and casefold change nothing but case
        return " ".join(text.split()).lower()
    text = text.encode("utf-8", "replace").decode("utf-8") if SURROGATE.search(text) else text
    # split/join is the regex's \s (Unicode white space) at a quarter of the cost.
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def split_year(query: str) -> tuple[str, int | None]:
    """'Be with You (2018)' -> ('Be with You', 2018); a query without a year keeps None."""
    match = _YEAR_SUFFIX.match(query.strip())
    if match:
        return match["name"], int(match["year"])
    return query.strip(), None


SEARCH_COLUMNS = ("title_norm", "original_norm", "search_norm")


def search_columns(
    title: str,
    original_title: str | None,
    director: str | None,
    network: str | None,
    cast: tuple[str, ...] | list[str],
) -> dict[str, str | None]:
    """The normalised columns stored beside a film's facts, for lookups and the list filter,
    by name (SEARCH_COLUMNS)."""
    row = search_row(norm(title), original_title, director, network, cast)
    return dict(zip(SEARCH_COLUMNS, row, strict=True))


def search_row(
    title_norm: str,
    original_title: str | None,
    director: str | None,
    network: str | None,
    cast: tuple[str, ...] | list[str],
) -> tuple[str, str | None, str]:
    """`search_columns` in their order, from the title already normalised (an import has it
    from matching). Each form is computed once; people's names come from `_NAMES`, as an
    import of a million films names the same few thousand people again and again."""
    original_norm = norm(original_title) if original_title else None
    normed = [title_norm] if original_norm is None else [title_norm, original_norm]
    for name in (director, network, *cast):
        if name:
            found = _NAMES.get(name)
            if found is None:
                if len(_NAMES) >= _NAMES_MAX:
                    _NAMES.clear()
                found = _NAMES[name] = norm(name)
            normed.append(found)
    return title_norm, original_norm, "\n".join(normed)


# People's names as `norm` gives them (a pure function, so a name's entry never goes stale);
# emptied when full, to keep memory bounded whatever the names.
_NAMES: dict[str, str] = {}
_NAMES_MAX = 1 << 16


# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts the OSC 52,
# clear-screen and colour sequences), DEL, and the bidirectional overrides that reorder text.
# Lone surrogates (bytes of a file name that were not UTF-8) cannot even be written to a UTF-8
# terminal: they are shown as escapes too.
_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSHOWABLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def visible(text: str, *, lines: bool = False) -> str:
    """`text` from outside (a file's titles, names, notes) made safe to show on a terminal:
    every control character written as its escape (`\\x1b`), so it is seen, never obeyed.
    With `lines`, line breaks and tabs stay as they are."""
    pattern = _UNSHOWABLE if lines else _UNSHOWABLE_LINE
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def wrap_parts(parts: list[str], width: int, separator: str = " · ") -> list[str]:
    """Parts ('2004', 'directed by John H. Lee', '117 min') laid out in lines of `width`
    terminal cells, breaking only between parts, so that '117 min' is never split; a part
    wider than a line gets a line of its own (and is wrapped by whoever shows it)."""
    from rich.cells import cell_len  # lazy: start-up (the CLI's --help never wraps)

    lines: list[str] = []
    line = ""
    for part in parts:
        joined = f"{line}{separator}{part}" if line else part
        if line and cell_len(joined) > width:
            lines.append(line)
            line = part
        else:
            line = joined
    if line:
        lines.append(line)
    return lines
