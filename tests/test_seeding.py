"""Seeding: a new library starts in list-consensus order; reopening changes nothing; a newer
catalog adds and corrects catalog facts without touching anything the user did."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cryqueue.domain.catalog import load_catalog, parse_catalog
from cryqueue.domain.films import FilmEntry, FilmFacts
from cryqueue.library import Library
from cryqueue.storage import seeding

SEED_FILE = Path(__file__).resolve().parents[1] / "seed" / "catalog.json"

# The consensus of the two lists, worked out by hand from their ranks (points = (n - rank + 1) / n
# summed over lists; ties: more lists, then best place), then the films only mentioned in passing.
CONSENSUS = [
    ("A Moment to Remember", 2004),  # #1 on both lists
    ("The Letter", 1997),  # .9
    ("Ode to My Father", 2014),  # .8, best place 2
    ("The Beauty Inside", 2015),  # .8, best place 3
    ("The Classic", 2003),  # .7
    ("A Werewolf Boy", 2012),  # .6, best place 3
    ("Il Mare", 2000),  # .6, best place 5
    ("My Sassy Girl", 2001),  # .5
    ("Always", 2011),  # .4 on two lists
    ("Miracle in Cell No. 7", 2013),  # .4, best place 4
    ("Windstruck", 2004),  # .4, best place 7
    ("Be with You", 2018),  # .3
    ("Architecture 101", 2012),  # .1
    ("Autumn in My Heart", 2000),  # mentioned only
    ("My Love from the Star", 2013),
    ("The Lake House", 2006),
    ("Be with You", 2004),
]


def order(lib: Library) -> list[tuple[str, int]]:
    return [(f.title, f.year) for f in lib.films()]


def by_title(lib: Library, title: str, year: int) -> FilmEntry:
    return next(f for f in lib.films() if (f.title, f.year) == (title, year))


def test_new_library_is_ranked_by_list_consensus(library: Library) -> None:
    films = library.films()
    assert [(f.title, f.year) for f in films] == CONSENSUS
    assert [f.rank for f in films] == list(range(1, 18))


def test_films_only_mentioned_come_after_every_ranked_film(library: Library) -> None:
    ranked = {
        (d.entry.title, d.entry.year)
        for d in (library.details(f.id) for f in library.films())
        if any(s.rank is not None for s in d.sources)
    }
    films = order(library)
    assert len(ranked) == 13
    assert set(films[:13]) == ranked


def test_new_library_has_no_user_state(library: Library) -> None:
    for film in library.films():
        assert (film.viewings, film.tear_level, film.note) == ((), None, "")
        assert film.key is not None


def test_opening_again_changes_nothing(db_path: Path, db_dump: Callable[..., list[str]]) -> None:
    Library.open(db_path).close()
    before = db_dump()
    for _ in range(2):
        lib = Library.open(db_path)
        assert seeding.seed_catalog(lib.db) is False
        lib.close()
    assert db_dump() == before


# Upgrades ---------------------------------------------------------------------------------------

NEW_FILM = {
    "key": "tune-in-for-love-2019",
    "title": "Tune in for Love",
    "original_title": "유열의 음악앨범",
    "original_language": "ko",
    "year": 2019,
    "kind": "film",
    "director": "Jung Ji-woo",
    "network": None,
    "cast": ["Kim Go-eun", "Jung Hae-in"],
    "runtime_minutes": 122,
    "episodes": None,
    "country": "KR",
    "imdb_id": None,
    "synopsis": "Two young people keep meeting and missing each other over the years.",
    "relations": [],
}


NEW_KEY = str(NEW_FILM["key"])


def newer_catalog(**film_changes: Any) -> Any:
    raw = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw)
    data["catalog_version"] = raw["catalog_version"] + 1
    data["films"].append(NEW_FILM)
    # The new film is ranked high by a list: it still goes to the bottom of an existing ranking.
    data["sources"][1]["rankings"].append({"film": NEW_FILM["key"], "rank": 6})
    for key, changes in film_changes.items():
        next(f for f in data["films"] if f["key"] == key).update(changes)
    return parse_catalog(data)


@pytest.fixture
def used_library(library: Library) -> Library:
    """A library the user has lived in: watched, rated, noted, re-ranked, added, removed, edited."""
    moment = by_title(library, "A Moment to Remember", 2004)
    library.mark_watched(moment.id, date(2025, 1, 2), tears=5)
    library.mark_watched(moment.id, date(2025, 3, 4))
    letter = by_title(library, "The Letter", 1997)
    library.set_note(letter.id, "Keep tissues nearby.")
    library.set_tears(letter.id, 4)
    library.move_to_top(by_title(library, "Always", 2011).id)
    library.move_to(by_title(library, "The Lake House", 2006).id, 3)
    library.add_film(FilmFacts(title="Our Little Sister", year=2015, director="Hirokazu Kore-eda"))
    library.remove_film(by_title(library, "Architecture 101", 2012).id)
    classic = by_title(library, "The Classic", 2003)
    library.edit_film(
        classic.id,
        FilmFacts(
            title="The Classic",
            year=2003,
            original_title="클래식",
            director="Kwak Jae-yong",
            cast=("Son Ye-jin", "Zo In-sung", "Cho Seung-woo"),
            runtime_minutes=132,
            synopsis="My own summary.",
        ),
    )
    return library


def user_state(film: FilmEntry) -> tuple[Any, ...]:
    return (film.id, film.title, film.year, film.viewings, film.tear_level, film.note)


def test_upgrade_adds_new_film_at_bottom_and_keeps_user_state(used_library: Library) -> None:
    lib = used_library
    before = lib.films()
    catalog = newer_catalog(
        **{
            "the-letter-1997": {"runtime_minutes": 108},
            "the-classic-2003": {"runtime_minutes": 127, "synopsis": "Catalog text."},
            "architecture-101-2012": {"runtime_minutes": 118, "synopsis": "Changed."},
        }
    )
    assert seeding.seed_catalog(lib.db, catalog) is True
    after = lib.films()

    # Everything the user had is where they left it, with the new title appended.
    assert [user_state(f) for f in after[:-1]] == [user_state(f) for f in before]
    assert (after[-1].title, after[-1].year, after[-1].rank) == ("Tune in for Love", 2019, 18)
    assert after[-1].key == "tune-in-for-love-2019"
    assert after[-2].title == "Our Little Sister"
    assert after[-2].key is None

    # A catalog correction reaches a film the user did not edit, without touching their note.
    letter = by_title(lib, "The Letter", 1997)
    assert letter.runtime_minutes == 108
    assert (letter.note, letter.tear_level) == ("Keep tissues nearby.", 4)

    # The user's edit wins over the catalog; a removed catalog film stays removed.
    classic = by_title(lib, "The Classic", 2003)
    assert (classic.runtime_minutes, classic.synopsis) == (132, "My own summary.")
    assert all(f.title != "Architecture 101" for f in after)

    # The new film knows where the list ranked it.
    details = lib.details(after[-1].id)
    assert [(s.source, s.rank) for s in details.sources] == [
        ("Top 5 Korean Movies That Are Guaranteed To Make You Cry", 6)
    ]


def test_upgrade_is_applied_once(used_library: Library, db_dump: Callable[..., list[str]]) -> None:
    catalog = newer_catalog()
    assert seeding.seed_catalog(used_library.db, catalog) is True
    snapshot = db_dump()
    assert seeding.seed_catalog(used_library.db, catalog) is False
    # The older shipped catalog does not undo the newer one either.
    assert seeding.seed_catalog(used_library.db, load_catalog()) is False
    assert db_dump() == snapshot


def test_upgrade_keeps_relations_of_the_catalog(used_library: Library) -> None:
    seeding.seed_catalog(used_library.db, newer_catalog())
    lake = by_title(used_library, "The Lake House", 2006)
    related = used_library.details(lake.id).related
    assert [(r.label, r.title, r.year) for r in related] == [("remake of", "Il Mare", 2000)]


def test_upgraded_release_opens_an_existing_library(
    used_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    """What a user does: upgrade cryqueue (shipping a newer catalog), then run it."""
    from cryqueue.domain import catalog as catalog_mod

    raw = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    raw["catalog_version"] += 1
    raw["films"].append(NEW_FILM)
    seed = tmp_path / "newer-seed"
    seed.mkdir()
    (seed / "catalog.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(catalog_mod, "seed_dir", lambda: seed)

    code, out, err = cli("list", "--format", "json")
    assert (code, err) == (0, "")
    films = json.loads(out)
    assert [f["title"] for f in films[-2:]] == ["Our Little Sister", "Tune in for Love"]
    assert films[0]["title"] == "Always"
    assert len(films) == 18


def test_upgrade_makes_a_film_the_user_already_added_the_catalogs(library: Library) -> None:
    """A release ships a film the user had added themselves: still one film, the user's (its
    place, tears, note), with the catalog's facts where they gave none, and the lists' ranks."""
    mine = library.add_film(FilmFacts(title="tune in for love", year=2019)).id
    library.set_tears(mine, 5)
    library.set_note(mine, "The radio scenes.")
    library.move_to_top(mine)
    seeding.seed_catalog(library.db, newer_catalog())
    same = [
        f for f in library.films() if (f.title.casefold(), f.year) == ("tune in for love", 2019)
    ]
    assert [f.id for f in same] == [mine] and len(library.films()) == 18
    found = library.find("Tune in for Love (2019)")
    assert (found.id, found.rank, found.tear_level, found.note) == (mine, 1, 5, "The radio scenes.")
    details = library.details(mine)
    assert found.title == "Tune in for Love", "the same name, spelt as the catalog spells it"
    assert details.entry.original_title == "유열의 음악앨범" and found.director == "Jung Ji-woo"
    assert found.cast == ("Kim Go-eun", "Jung Hae-in")
    assert [s.rank for s in details.sources] == [6]
    assert library.find("유열의 음악앨범").id == mine, "found by the title the catalog gave it"
    # A film of theirs that gave nothing but what the catalog says follows later releases.
    corrected = newer_catalog(**{NEW_KEY: {"runtime_minutes": 123}})
    seeding.seed_catalog(library.db, replace(corrected, version=corrected.version + 1))
    assert library.get(mine).runtime_minutes == 123


def test_upgrade_keeps_the_facts_the_user_gave_a_film_it_adopts(library: Library) -> None:
    """Matched by its original title, the user's own English title and director stay, now and
    through later releases, as the user's edits of a catalog film do; cast comes from the
    catalog, which they left empty."""
    facts = FilmFacts(
        title="Yeol's Music Album", year=2019, original_title="유열의 음악앨범", director="정지우"
    )
    mine = library.add_film(facts).id
    seeding.seed_catalog(library.db, newer_catalog())
    film = library.get(mine)
    assert (film.title, film.director) == ("Yeol's Music Album", "정지우")
    assert film.cast == ("Kim Go-eun", "Jung Hae-in") and len(library.films()) == 18
    later = newer_catalog(**{NEW_KEY: {"director": "Jung Ji-woo (corrected)"}})
    seeding.seed_catalog(library.db, replace(later, version=later.version + 1))
    assert library.get(mine).director == "정지우"


def test_upgrade_matches_a_film_the_user_imported_by_its_imdb_id(library: Library) -> None:
    """An imported film carries its IMDb id: the catalog's film with that id is the same film,
    whatever title the export gave it. A film of another year is never taken for it."""
    other_year = library.add_film(FilmFacts(title="Tune in for Love", year=2018)).id
    mine = library.add_film(FilmFacts(title="Music Album", year=2019)).id
    with library.db.writing() as driver:
        driver.execute("UPDATE film SET imdb_id = 'tt10914342' WHERE id = ?", (mine,))
    seeding.seed_catalog(library.db, newer_catalog(**{NEW_KEY: {"imdb_id": "tt10914342"}}))
    assert library.get(mine).original_title == "유열의 음악앨범"
    assert library.get(other_year).original_title is None
    assert len(library.films()) == 19
