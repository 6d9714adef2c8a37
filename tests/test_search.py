"""Search in two scripts: each rule of the search function, Hangul boundaries, and that no
Unicode input makes it raise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cryqueue.domain.search import SearchIndex, Tier, fold, initials_of

FILMS = [
    (1, "A Moment to Remember", "내 머리 속의 지우개", "Son Ye-jin Jung Woo-sung John H. Lee"),
    (2, "A Werewolf Boy", "늑대소년", "Song Joong-ki Park Bo-young"),
    (3, "Windstruck", "내 여자친구를 소개합니다", "Jun Ji-hyun"),
    (4, "Hanbok Dreams", "한복", "note: cried twice"),
    (5, "Amélie", None, "Audrey Tautou"),
    (6, "Windy", None, ""),
    (7, "Kkachi", "까치", ""),
    (8, "Last", "힣", ""),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(FILMS)


def ids(index: SearchIndex, query: str) -> list[int]:
    return index.search(query)


def tiers(index: SearchIndex, query: str) -> dict[int, Tier]:
    return dict(index.matches(query))


def test_initials_of_hangul() -> None:
    assert initials_of("늑대소년") == "ㄴㄷㅅㄴ"
    assert initials_of("가힣") == "ㄱㅎ"  # the first and last syllables
    assert initials_of("까치 ok") == "ㄲㅊ ok"  # double consonants are initials of their own


@pytest.mark.parametrize(
    ("query", "film"),
    [
        ("ㄴㄷㅅㄴ", 2),  # initial consonants
        ("ㄴㅁㄹ", 1),  # across the spaces of 내 머리 속의 지우개
        ("늑ㄷ", 2),  # a syllable, then an initial
        ("하", 4),  # a syllable still being composed matches 한
        ("ㄲㅊ", 7),  # double consonant
        ("ㅎ", 8),  # 힣, the last syllable
        ("windstrck", 3),  # one letter missing
        ("windstruk", 3),
        ("wnidstruck", 3),  # two letters swapped
        ("amelie", 5),  # accents
        ("AMÉLIE", 5),
        ("tautou", 5),  # cast
        ("cried", 4),  # notes
    ],
)
def test_each_rule_finds_the_film(index: SearchIndex, query: str, film: int) -> None:
    assert film in ids(index, query)


def test_double_consonant_is_not_its_single(index: SearchIndex) -> None:
    assert 7 not in ids(index, "ㄱㅊ")


def test_results_are_ranked_exact_prefix_substring_initials_typo(index: SearchIndex) -> None:
    found = tiers(index, "windy")
    assert found[6] == Tier.EXACT
    assert tiers(index, "wind")[3] == Tier.PREFIX
    assert tiers(index, "struck")[3] == Tier.SUBSTRING
    assert tiers(index, "ㄴㄷ")[2] == Tier.INITIALS
    assert tiers(index, "windstrck")[3] == Tier.TYPO
    order = ids(index, "windy")
    assert order[0] == 6  # exact before the typo match Windstruck? (not within one edit)


def test_nfc_and_nfd_queries_agree(index: SearchIndex) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "늑대소년")
    assert ids(index, nfd) == ids(index, "늑대소년") == [2]


def test_short_latin_words_are_not_fuzzy(index: SearchIndex) -> None:
    assert ids(index, "zzz") == []
    assert fold("Amélie") == "amelie"


@settings(max_examples=300, deadline=None)
@given(query=st.text(st.characters(codec=None, categories=None), max_size=20))
def test_search_never_raises(index: SearchIndex, query: str) -> None:
    result: Any = index.search(query)
    assert isinstance(result, list)


# One function behind the CLI's search, list --search and the app's filter --------------------


def test_cli_search_ranks_and_list_search_keeps_the_ranking(cli: Any) -> None:
    code, out, _err = cli("search", "ㄴㄷㅅㄴ")
    assert code == 0 and "A Werewolf Boy" in out
    code, out, _err = cli("search", "windstrck", "--format", "json")
    assert code == 0 and [f["title"] for f in __import__("json").loads(out)] == ["Windstruck"]
    code, out, _err = cli("search", "be with")
    titles = [line.split("  ")[1].strip() for line in out.splitlines()[1:]]
    assert titles == ["Be with You", "Be with You"]
    code, out, _err = cli("list", "--search", "son ye-jin", "--format", "json")
    found = [f["title"] for f in __import__("json").loads(out)]
    assert found == ["A Moment to Remember", "The Classic", "Be with You"]  # ranking order
    code, out, _err = cli("search", "nothing like this")
    assert code == 0 and out.strip() == "No films match."


def test_cli_search_finds_notes(cli: Any) -> None:
    cli("note", "Always", "The phone booth scene")
    code, out, _err = cli("search", "phone booth")
    assert code == 0 and "Always" in out
