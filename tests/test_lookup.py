"""Naming a film on the command line: English or original title, any case, a unique prefix, or
'Title (Year)' for same-named films; anything else is a one-line error with exit code 2."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from cryqueue.domain.errors import LookupFailed
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library


@pytest.mark.parametrize(
    ("query", "title", "year"),
    [
        ("A Moment to Remember", "A Moment to Remember", 2004),
        ("a moment TO remember", "A Moment to Remember", 2004),
        ("  a   moment to remember ", "A Moment to Remember", 2004),
        ("7번방의 선물", "Miracle in Cell No. 7", 2013),
        (unicodedata.normalize("NFD", "7번방의 선물"), "Miracle in Cell No. 7", 2013),
        ("내 머리 속의 지우개", "A Moment to Remember", 2004),
        ("いま、会いにゆきます", "Be with You", 2004),
        ("miracle", "Miracle in Cell No. 7", 2013),
        ("Ode", "Ode to My Father", 2014),
        ("늑대", "A Werewolf Boy", 2012),
        ("Be with You (2018)", "Be with You", 2018),
        ("be with you (2004)", "Be with You", 2004),
        ("be with you(2018)", "Be with You", 2018),
        ("Windstruck (2004)", "Windstruck", 2004),
        ("Always", "Always", 2011),
    ],
)
def test_find(library: Library, query: str, title: str, year: int) -> None:
    film = library.find(query)
    assert (film.title, film.year) == (title, year)


def test_exact_title_wins_over_a_longer_title_it_prefixes(library: Library) -> None:
    library.add_film(FilmFacts(title="Always and Forever", year=2020))
    assert library.find("always").year == 2011
    assert library.find("always and").title == "Always and Forever"


def test_ambiguous_title_lists_both_candidates(library: Library) -> None:
    with pytest.raises(LookupFailed) as info:
        library.find("Be with You")
    message = str(info.value)
    assert "Be with You (2018)" in message
    assert "Be with You (2004)" in message
    assert message.endswith("; add --year")


def test_ambiguous_prefix_lists_every_candidate(library: Library) -> None:
    with pytest.raises(LookupFailed) as info:
        library.find("the")
    message = str(info.value)
    for name in (
        "The Letter (1997)",
        "The Beauty Inside (2015)",
        "The Classic (2003)",
        "The Lake House (2006)",
    ):
        assert name in message
    assert "4 films" in message


def test_cli_ambiguous_title_exit_2(cli: Any, db_dump: Any) -> None:
    before = db_dump()
    code, out, err = cli("watch", "Be with You")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Be with You (2018)" in err and "Be with You (2004)" in err
    assert db_dump() == before


def test_cli_unknown_title_suggests_a_similar_one(cli: Any) -> None:
    code, out, err = cli("show", "sassy")
    assert (code, out) == (2, "")
    assert err == "cryqueue: no film titled 'sassy'; did you mean My Sassy Girl (2001)?\n"


def test_cli_unknown_title_without_anything_similar(cli: Any) -> None:
    code, _out, err = cli("show", "Titanic")
    assert code == 2
    assert err == "cryqueue: no film titled 'Titanic'; see 'cryqueue list'\n"


def test_cli_title_with_a_year_that_does_not_exist(cli: Any) -> None:
    code, _out, err = cli("show", "Il Mare (2001)")
    assert code == 2
    assert "no film titled 'Il Mare (2001)'" in err
    assert "Il Mare (2000)" in err


def test_cli_be_with_you_2018_picks_the_korean_film(cli: Any) -> None:
    code, out, _err = cli("show", "Be with You (2018)")
    assert code == 0
    assert "지금 만나러 갑니다" in out
    assert "Remake of Be with You (2004)" in out


def test_empty_title_is_a_usage_error(cli: Any) -> None:
    code, _out, err = cli("show", "   ")
    assert code == 2
    assert "give a title" in err


def test_wildcards_in_a_title_are_literal(library: Library) -> None:
    with pytest.raises(LookupFailed) as info:
        library.find("%")
    assert "did you mean" not in str(info.value)
    with pytest.raises(LookupFailed):
        library.find("_")
