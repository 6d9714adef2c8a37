"""The library's figures (watched, rated, the average tear level) come from one definition,
`tally_stats`, whoever counts: the app's header from the list in memory, the library and the
first-frame reader in SQL, the Markdown export's summary line. The average counts watched
films only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conftest import library_property
from cryqueue.domain.films import ListRow, Stats, Viewings, tally_stats
from cryqueue.domain.listing import Listing, listing_stats
from cryqueue.interop.markdown import summary_line
from cryqueue.library import Library
from cryqueue.storage.fast_read import Peek


def every_reading(library: Library, db_path: Path) -> list[Stats]:
    peek = Peek.open(db_path)
    assert peek is not None
    try:
        listing = library.listing()
        return [library.stats(), peek.stats(), listing_stats(listing), listing.stats()]
    finally:
        peek.close()


def test_the_average_counts_watched_films_only(library: Library, db_path: Path, cli: Any) -> None:
    films = library.films()
    library.mark_watched(films[0].id, date(2024, 1, 1), tears=5)
    library.mark_watched(films[1].id, date(2024, 1, 2), tears=2)
    library.set_viewings(films[2].id, Viewings(undated=True))  # watched, day not recorded
    library.set_tears(films[2].id, 4)
    library.set_tears(films[3].id, 0)  # not watched: a guess, left out of the average
    library.set_tears(films[4].id, 1)
    library.mark_watched(films[5].id, date(2024, 1, 3))  # watched, no tear level
    expected = Stats(total=17, watched=4, rated=5, average_tears=11 / 3)
    assert every_reading(library, db_path) == [expected] * 4
    line = "Watched 4 of 17 · average tear level 3.7/5"
    assert summary_line(expected) == line
    assert line in library.export_markdown()
    _code, out, _err = cli("export", "-o", "-")  # the CLI reads the library with a peek
    assert line in out


def test_no_watched_film_has_a_tear_level_yet(library: Library, db_path: Path) -> None:
    films = library.films()
    library.set_tears(films[0].id, 5)
    library.mark_watched(films[1].id, date(2024, 1, 1))
    assert every_reading(library, db_path) == [Stats(17, 1, 1, None)] * 4
    assert "Watched 1 of 17 · no tear levels yet" in library.export_markdown()


def test_tally_stats_counts_each_group() -> None:
    tally = [((True, 5), 2), ((True, None), 3), ((False, 1), 4), ((True, 2), 1), ((False, None), 1)]
    assert tally_stats(tally) == Stats(total=11, watched=6, rated=7, average_tears=4.0)
    assert tally_stats([]) == Stats(0, 0, 0, None)


@library_property(25)
@given(
    states=st.lists(
        st.tuples(st.sampled_from(["no", "dated", "undated"]), st.none() | st.integers(0, 5)),
        min_size=17,
        max_size=17,
    )
)
def test_every_reader_agrees_with_the_definition(
    library: Library, db_path: Path, states: list[tuple[str, int | None]]
) -> None:
    for film, (watched, level) in zip(library.films(), states, strict=True):
        days = (date(2024, 5, 1),) if watched == "dated" else ()
        library.set_viewings(film.id, Viewings(days, undated=watched == "undated"))
        library.set_tears(film.id, level)
    seen = [level for watched, level in states if watched != "no"]
    levels = [level for level in seen if level is not None]
    expected = Stats(
        total=17,
        watched=len(seen),
        rated=sum(level is not None for _watched, level in states),
        average_tears=sum(levels) / len(levels) if levels else None,
    )
    assert every_reading(library, db_path) == [expected] * 4


@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.booleans(), st.one_of(st.none(), st.integers(0, 5))),
        max_size=30,
    )
)
def test_the_lists_figures_follow_every_change_to_a_film(
    changes: list[tuple[int, bool, int | None]],
) -> None:
    """The app's status line is kept up to date film by film (a key press never counts the
    whole list again): after any changes, the figures are those of the list counted afresh."""
    rows = [
        ListRow(n, n + 1, f"Film {n}", None, 2000, n % 2 == 0, n % 6 or None) for n in range(10)
    ]
    listing = Listing.of_rows(rows)
    for film, watched, tears in changes:
        listing.replace(listing[film]._replace(watched=watched, tear_level=tears))
        assert listing.stats() == listing_stats(listing)
