"""The search columns a film stores are the same however often its people's names recur."""

from __future__ import annotations

import pytest

from cryqueue.domain import text
from cryqueue.domain.text import norm, search_columns


def _each_once(
    title: str, original: str | None, director: str | None, network: str | None, cast: list[str]
) -> dict[str, str | None]:
    """The columns with every part normalised on its own, as a lookup of one film would."""
    parts = [norm(p) for p in (title, original, director, network, *cast) if p]
    return {
        "title_norm": norm(title),
        "original_norm": norm(original) if original else None,
        "search_norm": "\n".join(parts),
    }


FILMS = [
    ("Be with You", "지금 만나러 갑니다", "Lee Jang-hoon", None, ["So Ji-sub", "Son Ye-jin"]),
    ("  The   Classic ", None, "Kwak Jae-yong", "KBS", ["Son Ye-jin", "Cho Seung-woo"]),
    ("Amélie", "Le Fabuleux Destin", "Jean-Pierre Jeunet", None, ["Audrey  TAUTOU", ""]),
    ("Tears", "  ", "", "", []),
]


@pytest.mark.parametrize("film", FILMS)
def test_columns_equal_each_part_normalised(
    film: tuple[str, str | None, str, str, list[str]],
) -> None:
    for _ in range(2):  # the second time, the names come from the cache
        assert search_columns(*film) == _each_once(*film)


def test_a_full_cache_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "_NAMES_MAX", 2)
    monkeypatch.setattr(text, "_NAMES", {})
    for film in FILMS * 2:
        assert search_columns(*film) == _each_once(*film)
    assert len(text._NAMES) <= 2
