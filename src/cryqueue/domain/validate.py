"""Checks on user input, each failing with a one-line message that says what to do."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import TEAR_MAX, TEAR_MIN
from cryqueue.domain.text import SURROGATE

# Letterboxd and IMDb list films from the 1870s (Janssen's Passage de Vénus, 1874; Muybridge's
# horse, 1878), and films announced a few years ahead. The bound is read when cryqueue starts.
YEAR_MIN = 1870
YEARS_AHEAD = 10
YEAR_MAX = date.today().year + YEARS_AHEAD
TITLE_MAX = 500
NOTE_MAX = 2_000_000
KINDS = ("film", "series")
# C0 and C1 controls other than tab and line breaks: they can drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str, what: str, *, multiline: bool = False, limit: int = TITLE_MAX) -> str:
    # isprintable() is False for every control, line break and lone surrogate: one C call
    # clears almost every real string (an import checks millions), the regexes tell why not.
    if value.isprintable():
        pass
    elif SURROGATE.search(value):
        raise UsageError(f"{what} contains bytes that are not UTF-8 text; convert it to UTF-8")
    elif _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        raise UsageError(f"{what} contains control characters; remove them and try again")
    if len(value) > limit:
        raise UsageError(f"{what} is too long ({len(value)} characters, at most {limit})")
    return value


def without_controls(value: str) -> str:
    """`value` with the characters `clean_text` refuses in multi-line text taken out: for text
    pasted into the app, where such characters cannot be seen anyway."""
    return _CONTROL.sub("", SURROGATE.sub("\ufffd", value))


def title(value: str, what: str = "the title") -> str:
    value = clean_text(value.strip(), what)
    if not value:
        raise UsageError(f"{what} is empty; give the film's name")
    return value


def optional_text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = clean_text(value.strip(), what)
    return value or None


def _whole_number(value: object) -> int | None:
    """`value` as an int if it is one (or a string of one), else None: 2.5, inf, True are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,20}\s*", value):
        return int(value)
    return None


def year(value: int | str) -> int:
    number = _whole_number(value)
    if number is None:
        raise UsageError(f"year {value!r} is not a number; give a year like 2004")
    if not YEAR_MIN <= number <= YEAR_MAX:
        raise UsageError(
            f"year {number} is out of range; give a year from {YEAR_MIN} to {YEAR_MAX}"
        )
    return number


def tear_level(value: int | str | None) -> int | None:
    """0-5, or None (unrated) given as None, 'none' or '-'."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "-", "")):
        return None
    number = _whole_number(value)
    if number is None:
        raise UsageError(
            f"tear level {value!r} is not a number; give 0 (dry eyes) to 5 (sobbing) or 'none'"
        )
    if not TEAR_MIN <= number <= TEAR_MAX:
        raise UsageError(
            f"tear level {number} is out of range; give 0 (dry eyes) to 5 (sobbing) or 'none'"
        )
    return number


def iso_day(text: object) -> date | None:
    """A date written YYYY-MM-DD and nothing else: Python's fromisoformat also takes
    '2020-W01-1' (a week date) and '20200101'. None if `text` is not one."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def viewing_date(
    value: str | date | None, today: date | None = None, film_year: int | None = None
) -> date:
    """A viewing date: ISO YYYY-MM-DD, not in the future; None means today. With `film_year`,
    a viewing logged by hand may be at most a year before the film's year (a festival screening
    comes first), never earlier (see `viewing_out_of_range`)."""
    today = today or date.today()
    if value is None:
        parsed = today
    elif isinstance(value, date):
        parsed = value
    else:
        day = iso_day(value.strip())
        if day is None:
            raise UsageError(f"date {value!r} is not a valid date; use YYYY-MM-DD")
        parsed = day
    if parsed > today:
        raise UsageError(f"date {parsed.isoformat()} is in the future; give the day you watched it")
    if parsed.year < YEAR_MIN:
        raise UsageError(f"date {parsed.isoformat()} is too early; give the day you watched it")
    if film_year is not None and viewing_out_of_range(parsed, film_year, today):
        raise UsageError(
            f"date {parsed.isoformat()} is more than a year before the film's year "
            f"({film_year}); give the day you watched it"
        )
    return parsed


def viewing_out_of_range(day: date, film_year: int, today: date) -> bool:
    """Whether a viewing on `day` cannot be right: more than a year before the film's year
    (festival screenings come a year early at most) or after today. Logging one by hand is
    refused; an import keeps what its file says and lists such viewings."""
    return day.year < film_year - 1 or day > today


def rating(value: float | int | str | None) -> float | None:
    """Stars from 0.5 to 5 in half steps, or None (no rating) given as None, 'none' or '-'."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "-", "")):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not (0.5 <= number <= 5 and (number * 2).is_integer()):
        raise UsageError(
            f"rating {value!r} is not a star rating; give 0.5 to 5 in half steps, or 'none'"
        )
    return number


def stars_from_ten(value: str) -> float:
    """A 1-10 rating (IMDb's, Letterboxd's Rating10) as stars: 7 -> 3.5."""
    number = _whole_number(value)
    if number is None or not 1 <= number <= 10:
        raise UsageError(f"rating {value!r} is not a whole number from 1 to 10")
    return number / 2


def imdb_id(value: str | None) -> str | None:
    if not value:
        return None
    if not re.fullmatch(r"tt\d{5,12}", value):
        raise UsageError(f"IMDb id {value!r} is not like tt0086567")
    return value


# Letterboxd takes tags of 80 characters and more; 250 leaves room for any it accepts.
TAG_MAX, TAGS_MAX = 250, 100


def tag(value: str) -> str:
    """A tag as stored: NFC, single spaces, no leading '#', in the spelling the user typed
    (`HboMax`, `Disney+`); tags compare by `tag_key`, so case never makes two tags."""
    clean = " ".join(unicodedata.normalize("NFC", clean_text(value, "a tag")).split())
    clean = clean.lstrip("#").strip()
    if not clean:
        raise UsageError("a tag is empty; give a word such as 'rainy-day'")
    if "," in clean:
        raise UsageError(f"tag {clean!r} contains a comma; commas separate tags, use '-' instead")
    if len(clean) > TAG_MAX:
        raise UsageError(f"tag {clean[:20]!r}… is too long (at most {TAG_MAX} characters)")
    return clean


def tag_key(value: str) -> str:
    """What makes two tags one: `HboMax` and `hbomax` are the same tag."""
    return value.casefold()


def tags(values: Iterable[str]) -> tuple[str, ...]:
    """Tags in the order given, each once (compared by `tag_key`, the first spelling kept)."""
    first: dict[str, str] = {}
    for value in values:
        clean = tag(value)
        first.setdefault(tag_key(clean), clean)
    out = tuple(first.values())
    if len(out) > TAGS_MAX:
        raise UsageError(f"a film can have at most {TAGS_MAX} tags ({len(out)} given)")
    return out


def kind(value: str) -> str:
    if value not in KINDS:
        raise UsageError(f"kind {value!r} is not known; use 'film' or 'series'")
    return value


def cast(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(clean_text(v.strip(), "a cast name") for v in values if v.strip())


def note(value: str) -> str:
    return clean_text(value, "the note", multiline=True, limit=NOTE_MAX)


def position(value: int) -> int:
    if value < 1:
        raise UsageError(f"position {value} is out of range; positions start at 1")
    return value
