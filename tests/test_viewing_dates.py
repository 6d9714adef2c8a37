"""When a viewing can have happened: from a year before the film's year (festival screenings come
first) up to today. A viewing logged by hand outside that is refused, in the CLI and the app
alike (one rule, in the domain); an import keeps what its file says and names such viewings."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.import_records import ImportRecord, odd_viewings, viewings_kept_as_given
from cryqueue.library import Library

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("day", ["2003-01-01", "2004-12-31", "2026-06-15"])
def test_a_viewing_from_a_year_before_the_film_to_today_is_fine(day: str) -> None:
    assert validate.viewing_date(day, TODAY, film_year=2004) == date.fromisoformat(day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2002-12-31", "date 2002-12-31 is more than a year before the film's year (2004)"),
        ("2026-06-16", "date 2026-06-16 is in the future"),
    ],
)
def test_a_viewing_outside_that_is_refused(day: str, expected: str) -> None:
    with pytest.raises(UsageError, match=re.escape(expected)):
        validate.viewing_date(day, TODAY, film_year=2004)


def test_without_the_film_year_only_the_future_is_refused() -> None:
    assert validate.viewing_date("1950-01-01", TODAY) == date(1950, 1, 1)
    assert validate.viewing_date(None, TODAY, film_year=2027) == TODAY  # a year early is fine
    with pytest.raises(UsageError):
        validate.viewing_date(None, TODAY, film_year=2028)


def _record(title: str, year: int, *days: str) -> ImportRecord:
    viewings = tuple(date.fromisoformat(d) for d in days)
    return ImportRecord(FilmFacts(title=title, year=year), viewings=viewings, watched=True)


def test_the_import_note_names_each_odd_viewing_once() -> None:
    records = [
        _record("Hachi", 2009, "2001-02-03", "2009-05-05"),
        _record("Hachi", 2009, "2001-02-03"),  # the same viewing in a second file
        _record("Il Mare", 2000, "1999-07-01"),  # a festival screening: fine
        _record("Tomorrow", 2026, "2027-01-01"),
    ]
    assert viewings_kept_as_given(odd_viewings(records, TODAY)) == [
        "2 viewings dated more than a year before the film's year, or after today, were kept "
        "as given: Hachi (2009) on 2001-02-03, Tomorrow (2026) on 2027-01-01"
    ]
    assert viewings_kept_as_given(odd_viewings(records[2:3], TODAY)) == []
    many = [_record(f"Film {n}", 2020, "2000-01-01") for n in range(7)]
    assert viewings_kept_as_given(odd_viewings(many[:1], TODAY))[0].startswith("1 viewing dated")
    assert "was kept as given" in viewings_kept_as_given(odd_viewings(many[:1], TODAY))[0]
    assert viewings_kept_as_given(odd_viewings(many, TODAY))[0].endswith(
        "Film 4 (2020) on 2000-01-01 and 2 more"
    )


def test_an_import_keeps_an_early_viewing_and_says_so(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    records = [
        {"title": "Il Mare", "year": 2000, "viewing_dates": ["1990-01-01", "2020-01-01"]},
        {"title": "Always", "year": 2011, "viewing_dates": ["2010-10-10"]},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    for dry_run in (["--dry-run"], []):
        code, out, err = cli("import", path, *dry_run)
        assert (code, err) == (0, "")
        assert (
            "  1 viewing dated more than a year before the film's year, or after today, was "
            "kept as given: Il Mare (2000) on 1990-01-01\n"
        ) in out
    _code, out, _err = cli("list", "--format", "json")
    il_mare = next(f for f in json.loads(out) if f["title"] == "Il Mare")
    assert il_mare["viewing_dates"] == ["1990-01-01", "2020-01-01"]


def test_a_letterboxd_diary_with_an_early_viewing(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2023-02-01,Il Mare,2000,https://boxd.it/1,4,,,1998-01-31\n"
        "2023-02-02,Il Mare,2000,https://boxd.it/1,4,Yes,,2023-02-01\n",
        encoding="utf-8",
    )
    code, out, _err = cli("import", path)
    assert code == 0
    assert "was kept as given: Il Mare (2000) on 1998-01-31" in out


def test_the_app_logging_today_on_a_film_not_out_yet_is_refused(cli: Any, library: Library) -> None:
    """`w` in the app logs today through `toggle_watched`: a film two years away is refused."""
    soon = date.today().year + 2
    film = library.add_film(FilmFacts(title="Not Yet", year=soon))
    with pytest.raises(UsageError, match=f"before the film's year \\({soon}\\)"):
        library.toggle_watched(film.id, date.today())
    with pytest.raises(UsageError, match=f"before the film's year \\({soon}\\)"):
        library.mark_watched(film.id, None)
    assert not library.viewings(film.id)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    code, _out, err = cli("watch", "Always", "--on", tomorrow)
    assert code == 2 and "in the future" in err
