"""What the app reads on its own paths, with the driver's cursor (SQLAlchemy's row objects
would double the time): the whole list into columns, the search text when the filter first
opens, and a film's places and relations each time the cursor rests."""

from __future__ import annotations

from collections.abc import Iterator

from cryqueue.domain.films import FilmDetails, FilmEntry, RelatedFilm, SourcePlace
from cryqueue.domain.listing import Listing, SearchRow, Stop, stoppable
from cryqueue.storage.driver import Driver
from cryqueue.storage.fast_read import LISTING_SQL, SEARCH_SQL, list_row, strings_of

_PLACES_SQL = (
    "SELECT source.title, source.author, source.site, sourcerank.rank FROM sourcerank"
    " JOIN source ON source.id = sourcerank.source_id WHERE sourcerank.film_id = ?"
    " ORDER BY source.id"
)
# A film's relations, its own (remake of) and the other side's (original of), by their kind.
_RELATED_SQL = (
    "SELECT relation.kind, film.id, film.title, film.year, relation.note FROM relation"
    " JOIN film ON film.id = relation.other_id WHERE relation.film_id = ?"
)
_RELATED_BACK_SQL = (
    "SELECT relation.kind, film.id, film.title, film.year, relation.note FROM relation"
    " JOIN film ON film.id = relation.film_id WHERE relation.other_id = ?"
)
_RELATION_LABELS = {
    "remake_of": ("remake of", "original of"),
    "companion_of": ("companion of",) * 2,
}


def read_listing(driver: Driver, films: Listing, stop: Stop | None) -> Listing:
    """Every film into `films`' columns, in ranking order; `stop` can end the read early."""
    cursor = stoppable(driver.execute(LISTING_SQL), stop)
    append = films.append
    for rank, row in enumerate(cursor, 1):
        # its tags, as JSON (one tuple a set of tags is kept: the listing's)
        append(list_row(rank, row), () if row[5] == "[]" else strings_of(row[5], row[0], "tags"))
    return films.done()


def search_rows(driver: Driver, stop: Stop | None) -> Iterator[SearchRow]:
    """Each film's search column and note, for the app's search index (the titles and tags
    are the listing's, read already)."""
    return stoppable(driver.execute(SEARCH_SQL), stop)


def read_details(driver: Driver, entry: FilmEntry) -> FilmDetails:
    """`entry` with where the lists ranked it and its related titles."""
    places = driver.execute(_PLACES_SQL, (entry.id,)).fetchall()
    related = [
        RelatedFilm(_RELATION_LABELS[kind][0 if forward else 1], other, title, year, note)
        for forward, sql in ((True, _RELATED_SQL), (False, _RELATED_BACK_SQL))
        for kind, other, title, year, note in driver.execute(sql, (entry.id,))
    ]
    return FilmDetails(
        entry=entry,
        sources=tuple(SourcePlace(*place) for place in places),
        related=tuple(related),
    )
