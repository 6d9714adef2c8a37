"""The shipped catalog: the right films with the right facts, both lists' ranks, and clear
one-line errors when a contributor breaks the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cryqueue.domain import catalog as catalog_mod
from cryqueue.domain.catalog import Catalog, CatalogFilm, load_catalog, parse_catalog
from cryqueue.domain.errors import CryqueueError

SEED_FILE = Path(__file__).resolve().parents[1] / "seed" / "catalog.json"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog()


def film(cat: Catalog, key: str) -> CatalogFilm:
    return next(f for f in cat.films if f.key == key)


def test_loads_the_shipped_file_by_default(shipped: Catalog, raw: dict[str, Any]) -> None:
    assert shipped == parse_catalog(raw)
    assert catalog_mod.seed_dir().joinpath("catalog.json").is_file()


def test_has_seventeen_distinct_titles(shipped: Catalog) -> None:
    assert len(shipped.films) == 17
    assert len({(f.title, f.year) for f in shipped.films}) == 17


def test_miracle_in_cell_no_7_has_its_full_original_title(shipped: Catalog) -> None:
    miracle = film(shipped, "miracle-in-cell-no-7-2013")
    assert miracle.title == "Miracle in Cell No. 7"
    assert miracle.original_title == "7번방의 선물"
    assert miracle.year == 2013
    assert miracle.cast[0] == "Ryu Seung-ryong"


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("a-moment-to-remember-2004", "Jung Woo-sung"),
        ("be-with-you-2018", "So Ji-sub"),
        ("always-2011", "So Ji-sub"),
        ("miracle-in-cell-no-7-2013", "Ryu Seung-ryong"),
    ],
)
def test_cast_names_are_spelled_right(shipped: Catalog, key: str, name: str) -> None:
    assert name in film(shipped, key).cast


def test_no_misspelled_cast_names_anywhere(shipped: Catalog) -> None:
    everyone = {name for f in shipped.films for name in f.cast}
    for wrong in (
        "Jung Woo-seong",
        "Jeong Woo-sung",
        "So Ji-seob",
        "So Ji-sup",
        "Ryoo Seung-ryong",
        "Ryu Seung-ryeong",
    ):
        assert wrong not in everyone


@pytest.mark.parametrize(
    ("key", "kind", "other"),
    [
        ("windstruck-2004", "companion_of", "my-sassy-girl-2001"),
        ("the-lake-house-2006", "remake_of", "il-mare-2000"),
        ("be-with-you-2018", "remake_of", "be-with-you-2004"),
    ],
)
def test_relations(shipped: Catalog, key: str, kind: str, other: str) -> None:
    assert [(r.kind, r.film) for r in film(shipped, key).relations] == [(kind, other)]


def test_be_with_you_2004_is_the_japanese_film(shipped: Catalog) -> None:
    japanese = film(shipped, "be-with-you-2004")
    assert (japanese.title, japanese.year, japanese.country) == ("Be with You", 2004, "JP")
    assert japanese.original_language == "ja"
    assert japanese.original_title == "いま、会いにゆきます"


def test_only_three_films_have_relations(shipped: Catalog) -> None:
    related = {f.key for f in shipped.films if f.relations}
    assert related == {"windstruck-2004", "the-lake-house-2006", "be-with-you-2018"}


def test_series_have_a_network_and_episodes(shipped: Catalog) -> None:
    series = {f.key: f for f in shipped.films if f.kind == "series"}
    assert set(series) == {"autumn-in-my-heart-2000", "my-love-from-the-star-2013"}
    assert all(s.network and s.episodes for s in series.values())


def test_first_list_ranks_ten_films_in_order(shipped: Catalog) -> None:
    first = next(s for s in shipped.sources if s.key == "cry-your-eyes-out")
    assert first.rankings == (
        ("a-moment-to-remember-2004", 1),
        ("the-letter-1997", 2),
        ("the-beauty-inside-2015", 3),
        ("the-classic-2003", 4),
        ("il-mare-2000", 5),
        ("my-sassy-girl-2001", 6),
        ("windstruck-2004", 7),
        ("be-with-you-2018", 8),
        ("always-2011", 9),
        ("architecture-101-2012", 10),
    )
    assert set(first.mentions) == {
        "autumn-in-my-heart-2000",
        "my-love-from-the-star-2013",
        "the-lake-house-2006",
        "be-with-you-2004",
    }


def test_second_list_ranks_five_films_in_order(shipped: Catalog) -> None:
    second = next(s for s in shipped.sources if s.key == "inspire-me-korea-top-5")
    assert second.author == "Faye Broadbent"
    assert second.rankings == (
        ("a-moment-to-remember-2004", 1),
        ("ode-to-my-father-2014", 2),
        ("a-werewolf-boy-2012", 3),
        ("miracle-in-cell-no-7-2013", 4),
        ("always-2011", 5),
    )
    assert second.mentions == ()


def test_every_film_is_ranked_or_mentioned_by_a_list(shipped: Catalog) -> None:
    named = {k for s in shipped.sources for k, _ in s.rankings} | {
        k for s in shipped.sources for k in s.mentions
    }
    assert named == {f.key for f in shipped.films}


# Broken catalogs --------------------------------------------------------------------------------


def _broken(raw: dict[str, Any], key: str, change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    item = next(f for f in data["films"] if f["key"] == key)
    change(item)
    return data


def _error(data: Any) -> str:
    with pytest.raises(CryqueueError) as info:
        parse_catalog(data, origin="seed/catalog.json")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("the seed catalog seed/catalog.json is invalid")
    return message


@pytest.mark.parametrize("field", ["title", "year", "synopsis", "kind", "cast", "relations"])
def test_missing_field_names_the_film_and_field(raw: dict[str, Any], field: str) -> None:
    message = _error(_broken(raw, "the-letter-1997", lambda f: f.pop(field)))
    assert "the-letter-1997" in message
    assert repr(field) in message


def test_bad_kind_names_the_film(raw: dict[str, Any]) -> None:
    message = _error(_broken(raw, "il-mare-2000", lambda f: f.update(kind="movie")))
    assert "il-mare-2000" in message
    assert "'movie'" in message


def test_series_without_network_is_refused(raw: dict[str, Any]) -> None:
    message = _error(_broken(raw, "autumn-in-my-heart-2000", lambda f: f.update(network=None)))
    assert "autumn-in-my-heart-2000" in message
    assert "network" in message


def test_relation_to_unknown_film_names_both(raw: dict[str, Any]) -> None:
    def relate(item: dict[str, Any]) -> None:
        item["relations"][0]["film"] = "my-sassy-girl-2099"

    message = _error(_broken(raw, "windstruck-2004", relate))
    assert "windstruck-2004" in message
    assert "my-sassy-girl-2099" in message


def test_unknown_relation_kind_names_the_film(raw: dict[str, Any]) -> None:
    def relate(item: dict[str, Any]) -> None:
        item["relations"][0]["kind"] = "sequel_of"

    message = _error(_broken(raw, "the-lake-house-2006", relate))
    assert "the-lake-house-2006" in message
    assert "sequel_of" in message


def test_year_out_of_range_is_refused(raw: dict[str, Any]) -> None:
    message = _error(_broken(raw, "the-classic-2003", lambda f: f.update(year="2003")))
    assert "the-classic-2003" in message
    assert "'year'" in message


def test_duplicate_keys_are_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["films"].append(copy.deepcopy(data["films"][0]))
    assert "a-moment-to-remember-2004" in _error(data)


def test_source_ranking_unknown_film_names_the_source(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["sources"][1]["rankings"][0]["film"] = "nope-1999"
    message = _error(data)
    assert "inspire-me-korea-top-5" in message
    assert "nope-1999" in message


def test_unreadable_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('{"catalog_version": 1, "films": [', encoding="utf-8")
    with pytest.raises(CryqueueError) as info:
        load_catalog(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_broken_shipped_catalog_fails_the_cli_with_one_line(
    raw: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    seed = tmp_path / "seed"
    seed.mkdir()
    data = _broken(raw, "always-2011", lambda f: f.update(kind="drama"))
    (seed / "catalog.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(catalog_mod, "seed_dir", lambda: seed)
    # a new library must be seeded from it (one already up to date reads only its version)
    code, out, err = cli("list", db=tmp_path / "new.db")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("cryqueue: the seed catalog")
    assert "always-2011" in err


def test_missing_key_names_the_film_by_place_and_title(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    del data["films"][3]["key"]
    message = _error(data)
    assert "film #4" in message
    assert "'The Classic'" in message
    assert "'key'" in message


def test_the_quick_version_read_agrees_with_the_full_parse() -> None:
    """Every start reads only the head of the catalog file for its version."""
    from cryqueue.domain.catalog import catalog_version, load_catalog

    assert catalog_version() == load_catalog().version
