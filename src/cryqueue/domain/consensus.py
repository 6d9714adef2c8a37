"""The consensus of the published lists: the initial personal ranking and the app's
"list consensus" sort.

Each list gives a film points for its place, scaled to the list's length: #1 of n scores 1,
#n scores 1/n. Points add up across lists, so a film ranked by both lists beats one ranked
by one. Ties go to the film on more lists, then to its best single place, then by title.
Films only mentioned in passing follow, in the order they were mentioned."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def consensus_order(
    rankings: Mapping[str, Sequence[tuple[K, int]]],
    mentions: Iterable[K] = (),
    title: Mapping[K, str] | None = None,
) -> list[K]:
    """Films ordered by the consensus of `rankings` (source -> [(film, rank)]), then `mentions`."""
    score: dict[K, float] = {}
    lists: dict[K, int] = {}
    best: dict[K, int] = {}
    for entries in rankings.values():
        length = max((rank for _film, rank in entries), default=0)
        for film, rank in entries:
            score[film] = score.get(film, 0.0) + (length - rank + 1) / length
            lists[film] = lists.get(film, 0) + 1
            best[film] = min(best.get(film, rank), rank)
    names = title or {}
    ranked = sorted(
        score, key=lambda f: (-round(score[f], 9), -lists[f], best[f], names.get(f, ""))
    )
    seen = set(ranked)
    tail = []
    for film in mentions:
        if film not in seen:
            seen.add(film)
            tail.append(film)
    return ranked + tail
