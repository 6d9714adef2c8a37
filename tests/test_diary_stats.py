"""The diary and the statistics (issue 15) through the library: every viewing newest first with
its rewatch mark, changing one viewing, and the figures, exact on a small library."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.domain.diary import DiaryEntry
from cryqueue.domain.errors import LookupFailed, UsageError
from cryqueue.domain.films import Viewings
from cryqueue.domain.insights import (
    JSON_KEYS,
    Insights,
    correlation_words,
    rank_correlation,
)
from cryqueue.library import Library
from cryqueue.storage.fast_read import Peek

TODAY = date(2025, 6, 30)
D = date.fromisoformat

# Seeded ids: 1 A Moment to Remember (2004, John H. Lee), 2 The Letter (1997, Lee Jung-gook),
# 4 The Classic (2003), 6 My Sassy Girl (2001), 7 Windstruck (2004): Kwak Jae-yong;
# 5 Il Mare (2000), 9 Always (2011, Song Il-gon), 17 Be with You (2004, last in the ranking).
MOMENT, LETTER, CLASSIC, IL_MARE, SASSY, WINDSTRUCK, ALWAYS, BE_WITH_YOU = 1, 2, 4, 5, 6, 7, 9, 17


def fill(library: Library) -> None:
    """The small library the exact figures below are counted on (ids as in the seed)."""
    library.set_viewings(MOMENT, Viewings((D("2024-01-05"), D("2024-03-10"))))
    library.set_viewings(LETTER, Viewings((D("2024-03-02"),), undated=True))
    library.set_viewings(CLASSIC, Viewings((D("2023-12-24"),)))
    library.set_viewings(SASSY, Viewings((D("2024-03-10"),)))
    library.set_viewings(WINDSTRUCK, Viewings(undated=True))
    library.set_viewings(ALWAYS, Viewings((D("2024-01-05"), D("2024-01-05"))))
    for film_id, level in ((MOMENT, 5), (LETTER, 4), (CLASSIC, 3), (SASSY, 2), (WINDSTRUCK, 4)):
        library.set_tears(film_id, level)
    library.set_tears(IL_MARE, 1)  # not watched: a guess, left out of every figure
    library.swap_rating(MOMENT, 4.5)
    library.move_to_top(BE_WITH_YOU)


@pytest.fixture
def filled(library: Library) -> Library:
    fill(library)
    return library


def shown(entries: list[DiaryEntry]) -> list[tuple[str | None, str, bool]]:
    return [(e.day.isoformat() if e.day else None, e.title, e.rewatch) for e in entries]


def test_the_diary_lists_every_viewing_newest_first(filled: Library) -> None:
    assert shown(filled.diary()) == [
        ("2024-03-10", "My Sassy Girl", False),  # logged after the other that day
        ("2024-03-10", "A Moment to Remember", True),
        ("2024-03-02", "The Letter", True),  # its undated viewing came first
        ("2024-01-05", "Always", True),  # the second of one day is a rewatch
        ("2024-01-05", "Always", False),
        ("2024-01-05", "A Moment to Remember", False),
        ("2023-12-24", "The Classic", False),
        (None, "The Letter", False),  # undated: once, at the end, in ranking order
        (None, "Windstruck", False),
    ]
    first = filled.diary()[1]
    assert first == DiaryEntry(MOMENT, D("2024-03-10"), "A Moment to Remember",
                               "내 머리 속의 지우개", 2004, True, 5, 4.5)  # fmt: skip
    assert first.to_json() == {
        "date": "2024-03-10",
        "title": "A Moment to Remember",
        "original_title": "내 머리 속의 지우개",
        "year": 2004,
        "rewatch": True,
        "tear_level": 5,
        "rating": 4.5,
    }
    assert filled.diary()[-1].to_json()["date"] is None


def test_a_year_holds_only_its_dated_viewings(filled: Library) -> None:
    assert shown(filled.diary(2024)) == shown(filled.diary())[:6]
    assert shown(filled.diary(2023)) == [("2023-12-24", "The Classic", False)]
    assert filled.diary(2022) == []


def test_an_empty_library_and_a_fresh_one(library: Library) -> None:
    assert library.diary() == []
    fresh = library.insights()
    assert fresh.to_json() == {
        "films": 17,
        "watched": 0,
        "viewings": 0,
        "rewatches": 0,
        "average_tear_level": None,
        "tear_levels": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "by_month": {},
        "by_decade": {
            "1990s": {"films": 1, "average_tear_level": None},
            "2000s": {"films": 8, "average_tear_level": None},
            "2010s": {"films": 8, "average_tear_level": None},
        },
        "top_directors": [],
        "most_tears": [],
        "consensus_correlation": 1.0,  # the ranking starts as the consensus
    }
    for film in library.films():
        library.remove_film(film.id)
    assert library.diary() == []
    assert library.insights() == Insights(0, 0, 0, 0, None)
    assert library.insights().to_json() == {
        **dict.fromkeys(("films", "watched", "viewings", "rewatches"), 0),
        "average_tear_level": None,
        "tear_levels": dict.fromkeys("012345", 0),
        "by_month": {},
        "by_decade": {},
        "top_directors": [],
        "most_tears": [],
        "consensus_correlation": None,
    }


def test_the_insights_of_a_small_library(filled: Library) -> None:
    insights = filled.insights()
    assert list(insights.to_json()) == list(JSON_KEYS)
    assert insights.to_json() == {
        "films": 17,
        "watched": 6,
        "viewings": 9,  # seven dated, two on a day not recorded
        "rewatches": 3,
        "average_tear_level": 3.6,  # 5, 4, 3, 2, 4: Il Mare's 1 is not watched
        "tear_levels": {"0": 0, "1": 0, "2": 1, "3": 1, "4": 2, "5": 1},
        "by_month": {"2023-12": 1, "2024-01": 3, "2024-03": 3},
        "by_decade": {
            "1990s": {"films": 1, "average_tear_level": 4.0},
            "2000s": {"films": 8, "average_tear_level": 3.5},
            "2010s": {"films": 8, "average_tear_level": None},  # Always: watched, no level
        },
        "top_directors": [
            {"director": "John H. Lee", "films": 1, "average_tear_level": 5.0},
            {"director": "Lee Jung-gook", "films": 1, "average_tear_level": 4.0},
            {"director": "Kwak Jae-yong", "films": 3, "average_tear_level": 3.0},
        ],
        "most_tears": [
            {"title": "A Moment to Remember", "year": 2004, "tear_level": 5},
            {"title": "The Letter", "year": 1997, "tear_level": 4},  # ranked above Windstruck
            {"title": "Windstruck", "year": 2004, "tear_level": 4},
            {"title": "The Classic", "year": 2003, "tear_level": 3},
            {"title": "My Sassy Girl", "year": 2001, "tear_level": 2},
        ],
        # Be with You (2004), last in the consensus, moved to the top: 1 - 6·272/(17·288)
        "consensus_correlation": 0.67,
    }
    assert insights.consensus_correlation == pytest.approx(2 / 3)
    assert insights.by_year == {"2023": 1, "2024": 6}
    stats = filled.stats()
    assert (insights.watched, insights.average_tear_level) == (stats.watched, stats.average_tears)


def test_the_insights_of_one_year(filled: Library) -> None:
    assert filled.insights(2024).to_json() == {
        "films": 17,
        "watched": 4,
        "viewings": 6,
        "rewatches": 3,
        "average_tear_level": 3.67,
        "tear_levels": {"0": 0, "1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "by_month": {"2024-01": 3, "2024-03": 3},
        "by_decade": {
            "1990s": {"films": 1, "average_tear_level": 4.0},
            "2000s": {"films": 2, "average_tear_level": 3.5},
            "2010s": {"films": 1, "average_tear_level": None},
        },
        "top_directors": [
            {"director": "John H. Lee", "films": 1, "average_tear_level": 5.0},
            {"director": "Lee Jung-gook", "films": 1, "average_tear_level": 4.0},
            {"director": "Kwak Jae-yong", "films": 1, "average_tear_level": 2.0},
        ],
        "most_tears": [
            {"title": "A Moment to Remember", "year": 2004, "tear_level": 5},
            {"title": "The Letter", "year": 1997, "tear_level": 4},
            {"title": "My Sassy Girl", "year": 2001, "tear_level": 2},
        ],
        "consensus_correlation": 1.0,  # these four are in consensus order
    }
    assert filled.insights(2023).rewatches == 0
    assert filled.insights(2019) == Insights(17, 0, 0, 0, None)


def test_change_viewing_adds_moves_and_deletes_one_viewing(filled: Library) -> None:
    before, after = filled.change_viewing(IL_MARE, None, D("2024-05-01"), TODAY)
    assert (before, after) == (Viewings(), Viewings((D("2024-05-01"),)))
    before, after = filled.change_viewing(IL_MARE, D("2024-05-01"), D("2025-01-02"), TODAY)
    assert after == Viewings((D("2025-01-02"),))
    # One of two viewings on one day moves; the other stays.
    before, after = filled.change_viewing(ALWAYS, D("2024-01-05"), D("2024-02-01"), TODAY)
    assert before == Viewings((D("2024-01-05"), D("2024-01-05")))
    assert after == Viewings((D("2024-01-05"), D("2024-02-01")))
    # A day not recorded stays as it is.
    before, after = filled.change_viewing(LETTER, D("2024-03-02"), None, TODAY)
    assert (before, after) == (Viewings((D("2024-03-02"),), True), Viewings((), True))
    filled.set_viewings(LETTER, before)  # what the app's undo does
    assert filled.viewings(LETTER) == before


def test_change_viewing_refuses_and_changes_nothing(filled: Library) -> None:
    diary = filled.diary()
    with pytest.raises(LookupFailed) as refused:
        filled.change_viewing(IL_MARE, D("2024-01-01"), None, TODAY)
    assert (
        str(refused.value) == "Il Mare (2000) has no viewing on 2024-01-01; it has no dated viewing"
    )
    with pytest.raises(LookupFailed) as refused:
        filled.change_viewing(MOMENT, D("2024-02-02"), D("2024-02-03"), TODAY)
    assert str(refused.value) == (
        "A Moment to Remember (2004) has no viewing on 2024-02-02; "
        "its viewings: 2024-01-05, 2024-03-10"
    )
    with pytest.raises(LookupFailed, match="no longer in the library"):
        filled.change_viewing(999, None, D("2024-01-01"), TODAY)
    with pytest.raises(UsageError, match="give the viewing to change"):
        filled.change_viewing(MOMENT, None, None, TODAY)
    with pytest.raises(UsageError, match="in the future"):
        filled.change_viewing(MOMENT, D("2024-01-05"), D("2025-07-01"), TODAY)
    with pytest.raises(UsageError, match="more than a year before the film's year"):
        filled.change_viewing(MOMENT, None, D("2002-12-31"), TODAY)
    assert filled.change_viewing(MOMENT, None, D("2003-01-01"), TODAY)  # a year before: fine
    filled.change_viewing(MOMENT, D("2003-01-01"), None, TODAY)
    assert filled.diary() == diary


def test_correlation_in_words() -> None:
    assert rank_correlation([(1, 10), (2, 20), (3, 30)]) == 1.0
    assert rank_correlation([(1, 30), (2, 20), (3, 10)]) == -1.0
    assert rank_correlation([(5, 0)]) is None
    assert (
        correlation_words(0.82)
        == "your ranking agrees closely with the lists' consensus (ρ = 0.82)"
    )
    assert (
        correlation_words(0.5) == "your ranking broadly agrees with the lists' consensus (ρ = 0.50)"
    )
    assert correlation_words(-0.001) == (
        "your ranking has little to do with the lists' consensus (ρ = 0.00)"
    )
    assert correlation_words(-1.0) == (
        "your ranking runs close to the reverse of the lists' consensus (ρ = -1.00)"
    )
    assert "too few" in correlation_words(None)


@library_property(25)
@given(
    records=st.lists(
        st.tuples(
            st.lists(st.dates(date(2020, 1, 1), date(2021, 12, 31)), max_size=3),
            st.booleans(),
            st.none() | st.integers(0, 5),
        ),
        min_size=17,
        max_size=17,
    )
)
def test_the_diary_and_the_figures_agree(
    library: Library, db_path: Path, records: list[tuple[list[date], bool, int | None]]
) -> None:
    """Whatever the viewings: a viewing is a rewatch when its film has an earlier one (a day
    not recorded first); the figures count what the diary lists."""
    expected: list[tuple[date | None, int, bool]] = []
    for film, (days, undated, level) in zip(library.films(), records, strict=True):
        library.set_viewings(film.id, Viewings(tuple(sorted(days)), undated))
        library.set_tears(film.id, level)
        expected += [(day, film.id, undated or i > 0) for i, day in enumerate(sorted(days))]
        expected += [(None, film.id, False)] if undated else []
    diary = library.diary()
    assert sorted((e.day or date.max, e.film_id, e.rewatch) for e in diary) == sorted(
        (day or date.max, film_id, again) for day, film_id, again in expected
    )
    dated = [e.day for e in diary if e.day]
    assert dated == sorted(dated, reverse=True)
    stats = library.stats()
    for year in (None, 2020, 2021):
        insights = library.insights(year)
        entries = library.diary(year)
        assert insights.viewings == len(entries)
        assert insights.rewatches == sum(e.rewatch for e in entries)
        assert sum(insights.by_month.values()) == sum(e.day is not None for e in entries)
        assert insights.watched == len({e.film_id for e in entries})
    insights = library.insights()
    assert (insights.watched, insights.average_tear_level) == (stats.watched, stats.average_tears)
    peek = Peek.open(db_path)  # the first-frame reader, sqlite3 alone, reads the same
    assert peek is not None
    try:
        assert (peek.diary(), peek.insights(2020)) == (diary, library.insights(2020))
    finally:
        peek.close()
    assert sum(insights.tear_levels.values()) == sum(
        level is not None and (bool(days) or undated) for days, undated, level in records
    )
