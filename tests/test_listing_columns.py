"""The app's list in columns: it shows, moves and filters exactly as a plain list of rows would,
in a fraction of the memory, and searches text it does not hold."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cryqueue.domain.films import ListRow
from cryqueue.domain.listing import Listing, View, select
from cryqueue.library import Library

TITLES = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
ROWS = st.lists(
    st.tuples(
        TITLES,
        st.none() | TITLES,
        st.integers(1900, 2030),
        st.booleans(),
        st.none() | st.integers(0, 5),
        st.none() | st.sampled_from([0.5, 1.0, 2.5, 5.0]),
        st.none() | st.sampled_from(["2024-01-02", "2025-12-31"]),
    ),
    min_size=1,
    max_size=30,
)
OPS = st.lists(
    st.tuples(
        st.sampled_from(["move", "replace", "remove"]),
        st.integers(0, 40),
        st.integers(1, 40),
        TITLES,
        st.booleans(),
        st.none() | st.integers(0, 5),
    ),
    max_size=25,
)


def renumbered(rows: list[ListRow]) -> list[ListRow]:
    return [row._replace(rank=i + 1) for i, row in enumerate(rows)]


@settings(max_examples=150, deadline=None)
@given(ROWS, OPS)
def test_columns_behave_as_a_list_of_rows(
    raw: list[tuple[str, str | None, int, bool, int | None, float | None, str | None]],
    ops: list[tuple[str, int, int, str, bool, int | None]],
) -> None:
    model = [ListRow(10 + i, i + 1, *values) for i, values in enumerate(raw)]
    listing = Listing.of_rows(model)
    assert list(listing) == model
    for op, pick, rank, title, watched, tears in ops:
        if not model:
            break
        film = model[pick % len(model)]
        if op == "move":
            to = min(rank, len(model))
            model.remove(film)
            model.insert(to - 1, film)
            assert listing.move(film.id, rank) == to - 1
        elif op == "replace":
            new = film._replace(title=title, watched=watched, tear_level=tears)
            model[model.index(film)] = new
            listing.replace(new)
        else:
            model.remove(film)
            listing.remove(film.id)
        model = renumbered(model)
        assert list(listing) == model
        assert all(listing.index_of(row.id) == i for i, row in enumerate(model))
        assert listing.index_of(film.id) is None or op != "remove"
        watched_rows = [row for row in model if row.watched]
        assert list(select(listing, "watched")) == watched_rows
        by_year = sorted(model, key=lambda r: (-r.year, r.rank))
        assert list(select(listing, "all", "year")) == by_year
        # The filter keeps the films the search finds, after moves as before them.
        query = title[:2].replace("#", "")  # a word with # filters by tags
        if query.strip():
            found = set(listing.search_index().found(query))
            shown = [row for row in watched_rows if row.id in found]
            assert list(select(listing, "watched", search=query)) == shown
            assert list(select(listing, search=query)) == [r for r in model if r.id in found]


@given(ROWS, st.integers(0, 29), st.integers(1, 30))
def test_a_view_follows_a_move_in_ranking_order(
    raw: list[tuple[str, str | None, int, bool, int | None, float | None, str | None]],
    pick: int,
    rank: int,
) -> None:
    rows = [ListRow(i + 1, i + 1, *values) for i, values in enumerate(raw)]
    listing = Listing.of_rows(rows)
    view = select(listing, "watched")
    if not isinstance(view, View) or not len(view):
        return
    film = view[pick % len(view)]
    view.move(film.id, rank)
    expected = [row for row in listing if row.watched]
    assert list(view) == expected, "the view shows the watched films in the new order"
    assert view.index_of(film.id) == [r.id for r in expected].index(film.id)


def test_a_hundred_thousand_films_take_a_few_megabytes() -> None:
    """About 40 bytes a film with its titles: a tuple per film took some 800."""
    rows = (
        ListRow(
            i, i, f"Love Rain Heart {i}", "소녀 하늘" if i % 2 else None, 2000, i % 3 == 0, i % 6
        )
        for i in range(1, 100_001)
    )
    tracemalloc.start()
    listing = Listing.of_rows(rows)
    held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(listing) == 100_000
    assert held < 8_000_000, f"{held / 100_000:.0f} bytes a film"
    assert (listing[99_998].original_title, listing[99_999].original_title) == ("소녀 하늘", None)


def test_the_filter_searches_notes_and_cast_the_list_does_not_hold(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "cq.db")
    try:
        letter = library.find("The Letter")
        listing = library.listing()
        assert [r.title for r in select(listing, search="letter")] == ["The Letter"]
        assert "The Letter" in [r.title for r in select(listing, search="park shin-yang")]
        assert not list(select(listing, search="greenhouse"))
        library.set_note(letter.id, "the greenhouse scene", expected="")
        listing.note_changed()
        assert [r.title for r in select(listing, search="greenhouse")] == ["The Letter"]
    finally:
        library.close()


def test_the_filter_finds_films_in_their_places_after_moves_here_and_there(
    tmp_path: Path,
) -> None:
    """The search index is read in the list's order, so that what it finds is in the list's
    places already (no mapping of ids, the filter's costliest step for a first letter); moves
    in the database before the list is read, and in the list after, change nothing found."""
    library = Library.open(tmp_path / "cq.db")
    try:
        letter = library.find("The Letter")
        library.move_to(letter.id, 1)  # the ranking's order is no longer the ids' order
        listing = library.listing()
        assert [r.title for r in select(listing, search="letter")] == ["The Letter"]
        assert listing._search_order is not None, "the index was not read in the list's order"
        everyone = [r.title for r in select(listing, search="e")]
        listing.move(letter.id, 10)
        assert [r.title for r in select(listing, search="e")] == [
            r.title for r in listing if r.title in everyone
        ]
        assert listing.index_of(letter.id) == 9
    finally:
        library.close()


def test_the_first_page_is_filtered_by_original_titles_too() -> None:
    """Before the whole list is read, the filter works on the first page, held in memory:
    its search text is the titles' own (the database's search column begins the same)."""
    listing = Listing.of_rows(
        [
            ListRow(1, 1, "A Moment to Remember", "내 머리 속의 지우개", 2004, False, None),
            ListRow(2, 2, "Il Mare", "시월애", 2000, False, None),
            ListRow(3, 3, "Christmas in August", "Palwolui Christmas", 1998, False, None),
        ]
    )
    assert [r.id for r in select(listing, search="palwolui")] == [3]
    assert [r.id for r in select(listing, search="지우개")] == [1]
    assert [r.id for r in select(listing, search="ㅅㅇㅇ")] == [2]
    assert [r.id for r in select(listing, search="moment")] == [1]


def test_a_change_while_the_index_builds_is_not_lost_and_does_not_wait() -> None:
    """Forgetting the index (a note saved) never waits for a build under way in a worker,
    and the build's result, made before the change, is not kept."""
    listing = Listing.of_rows([ListRow(1, 1, "Il Mare", None, 2000, False, None)])
    with listing._building:  # as if a worker were building the index
        saving = threading.Thread(target=listing.note_changed)
        saving.start()
        saving.join(2.0)
        assert not saving.is_alive(), "forgetting the index waited for the build"
    first = listing.search_index()
    assert listing.search_index() is first, "kept once built"
    listing.note_changed()
    assert listing.search_index() is not first


def test_sparse_ids_and_long_titles_from_other_programs() -> None:
    """A library whose films came and went by the million, and a title far past what cryqueue
    itself accepts (written by another program): the list holds and moves them all the same."""
    rows = [
        ListRow(5, 1, "Il Mare", "시월애", 2000, True, 4),
        ListRow(9_000_000, 2, "x" * 70_000, None, 2001, False, None),
        ListRow(12, 3, "Windstruck", None, 2004, False, 2, 4.5, "2024-01-02"),
        ListRow(2**40, 4, "Beyond four bytes", None, 2005, False, None),
    ]
    listing = Listing.of_rows(rows)
    assert listing.index_of(9_000_000) == 1 and listing.index_of(6) is None
    assert listing.index_of(2**40) == 3 and listing[3].title == "Beyond four bytes"
    listing.remove(2**40)
    assert listing.move(12, 1) == 0
    assert [r.id for r in listing] == [12, 5, 9_000_000]
    assert listing[2].title == "x" * 70_000
    assert listing[0].rating == 4.5 and listing[1].original_title == "시월애"
    assert [r.id for r in select(listing, search="i")] == [12, 5]
    assert [r.id for r in select(listing, "unwatched", search="x")] == [9_000_000]


def test_tags_follow_their_films_through_moves_and_removals() -> None:
    rows = [ListRow(i, i, f"Film {i}", None, 2000, False, None) for i in range(1, 6)]
    listing = Listing()
    for row, tags in zip(rows, [("sad",), (), ("sad", "rain"), ("rain",), ()], strict=True):
        listing.append(row, tags)
    listing.done()
    assert dict(listing.tags) == {1: ("sad",), 3: ("sad", "rain"), 4: ("rain",)}
    listing.move(3, 1)
    listing.remove(1)
    listing.set_tags(5, ("first love",))
    listing.set_tags(4, ())
    assert dict(listing.tags) == {3: ("sad", "rain"), 5: ("first love",)}
    assert listing.tags.get(2) is None and len(listing.tags) == 2
    assert [r.id for r in select(listing, search="#rain")] == [3]
    assert [r.id for r in select(listing, search="#first")] == [5]
