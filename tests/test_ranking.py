"""The personal ranking: any sequence of moves, additions and removals keeps ranks 1..n in the
order a plain Python list predicts; a move rewrites one row unless the keys must be re-spaced."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import examples, keys_in
from cryqueue.domain.films import FilmFacts
from cryqueue.library import Library
from cryqueue.storage import ranking

Keys = Callable[..., dict[int, int]]


def order(lib: Library) -> list[int]:
    return [f.id for f in lib.films()]


class RankingMachine(RuleBasedStateMachine):
    """The library against a list model of the expected order."""

    template: Path  # a seeded library, copied for each run

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cryqueue-ranking-"))
        self.path = self.folder / "cq.db"
        shutil.copyfile(self.template, self.path)
        self.lib = Library.open(self.path)
        self.model = order(self.lib)
        self.added = 0

    def teardown(self) -> None:
        try:
            self.check_positions()  # one film at a time, as the app reads them
        finally:
            self.lib.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def pick(self, index: int) -> int:
        return self.model[index % len(self.model)]

    def place(self, film: int, position: int) -> int:
        """The model's move: clamp to 1..n, then put the film there."""
        self.model.remove(film)
        position = max(1, min(position, len(self.model) + 1))
        self.model.insert(position - 1, film)
        return position

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6), position=st.integers(1, 30))
    def move_to(self, index: int, position: int) -> None:
        film = self.pick(index)
        assert self.lib.move_to(film, position) == self.place(film, position)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6), delta=st.integers(-30, 30))
    def move_by(self, index: int, delta: int) -> None:
        film = self.pick(index)
        current = self.model.index(film) + 1
        assert self.lib.move_by(film, delta) == self.place(film, current + delta)

    @precondition(lambda self: len(self.model) >= 2)
    @rule(index=st.integers(0, 10**6), other=st.integers(0, 10**6), up=st.booleans())
    def move_past(self, index: int, other: int, up: bool) -> None:
        """Up (or down) just past another film, which the app's screen may show on the wrong
        side: then nothing moves."""
        film, next_to = self.pick(index), self.pick(other)
        if film == next_to:
            return
        current, there = self.model.index(film) + 1, self.model.index(next_to) + 1
        if (there < current) != up:
            assert self.lib.move_past(film, next_to, up) == (current, current)
            return
        # Either way the film takes the other's position (up: the other moves down one).
        assert self.lib.move_past(film, next_to, up) == (current, self.place(film, there))

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6))
    def move_to_top(self, index: int) -> None:
        film = self.pick(index)
        assert self.lib.move_to_top(film) == self.place(film, 1) == 1

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6))
    def move_to_bottom(self, index: int) -> None:
        film = self.pick(index)
        assert self.lib.move_to_bottom(film) == self.place(film, len(self.model)) == len(self.model)

    @rule()
    def add_film(self) -> None:
        self.added += 1
        entry = self.lib.add_film(FilmFacts(title=f"My film {self.added}", year=2000 + self.added))
        self.model.append(entry.id)
        assert entry.rank == len(self.model)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(0, 10**6))
    def remove_film(self, index: int) -> None:
        film = self.pick(index)
        self.lib.remove_film(film)
        self.model.remove(film)

    @precondition(lambda self: len(self.model) >= 3)
    @rule(
        first=st.integers(0, 10**6),
        second=st.integers(0, 10**6),
        position=st.integers(2, 30),
        times=st.integers(1, 8),
    )
    def squeeze(self, first: int, second: int, position: int, times: int) -> None:
        """Two films take turns at the same place: each move halves the same gap."""
        a, b = self.pick(first), self.pick(second)
        if a == b:
            b = self.model[(self.model.index(a) + 1) % len(self.model)]
        position = min(position, len(self.model) - 1)
        for turn in range(times):
            film = a if turn % 2 == 0 else b
            assert self.lib.move_to(film, position) == self.place(film, position)

    @invariant()
    def matches_the_model(self) -> None:
        films = self.lib.films()
        assert [f.id for f in films] == self.model
        assert [f.rank for f in films] == list(range(1, len(self.model) + 1))
        keys = keys_in(self.path)
        assert len(set(keys.values())) == len(keys) == len(self.model)
        assert sorted(keys, key=keys.__getitem__) == self.model

    def check_positions(self) -> None:
        for place in {1, len(self.model) // 2 + 1, len(self.model)} - {0}:
            assert self.lib.get(self.model[place - 1]).rank == place


@pytest.mark.parametrize("near", [0, 64], ids=["by position", "walking from the film"])
def test_any_sequence_of_changes_keeps_the_ranking_right(
    seeded_template: Path, monkeypatch: pytest.MonkeyPatch, near: int
) -> None:
    """A tiny gap makes re-spacing happen all the time, mixed with every other change (the seeded
    keys start 2**20 apart; see the next test for re-spacing with the real gap). Short moves
    walk the neighbours from the film's key and long ones find them by position: with NEAR = 0
    every move takes the second way, so both ways run the whole machine."""
    monkeypatch.setattr(ranking, "GAP", 8)
    monkeypatch.setattr(ranking, "NEAR", near)
    RankingMachine.template = seeded_template
    run_state_machine_as_test(
        RankingMachine,
        settings=settings(
            max_examples=examples(30),
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_many_moves_into_one_gap_force_respacing(library: Library, rank_keys: Keys) -> None:
    model = order(library)
    x, y = model[-1], model[-2]
    respaced = 0
    for turn in range(60):
        film = x if turn % 2 == 0 else y
        before = rank_keys()
        assert library.move_to(film, 2) == 2
        model.remove(film)
        model.insert(1, film)
        after = rank_keys()
        changed = {i for i in after if after[i] != before[i]}
        assert film in changed
        if len(changed) > 1:
            respaced += 1
            # After a re-spacing the keys are evenly spaced again, except the one just moved.
            assert sum(1 for k in after.values() if k % ranking.GAP == 0) >= len(after) - 1
        assert order(library) == model
        assert [f.rank for f in library.films()] == list(range(1, 18))
        assert len(set(after.values())) == 17
    # The gap of 2**20 is used up about every 20 moves.
    assert respaced >= 2


@pytest.mark.parametrize(
    ("move", "args"),
    [
        ("move_to", (5, 12)),
        ("move_to", (12, 5)),
        ("move_to", (3, 1)),
        ("move_to", (1, 17)),
        ("move_to", (8, 9)),
        ("move_by", (8, -3)),
        ("move_by", (8, 4)),
        ("move_to_top", (10,)),
        ("move_to_bottom", (2,)),
    ],
)
def test_a_move_rewrites_one_row(
    library: Library, rank_keys: Keys, move: str, args: tuple[int, ...]
) -> None:
    films = library.films()
    film = films[args[0] - 1].id
    before = rank_keys()
    getattr(library, move)(film, *args[1:])
    after = rank_keys()
    assert {i for i in after if after[i] != before[i]} == {film}


def test_moving_into_place_does_not_respace_a_fresh_library(
    library: Library, rank_keys: Keys
) -> None:
    """Twenty moves into distinct gaps never need a re-spacing."""
    for i in range(20):
        films = library.films()
        before = rank_keys()
        film = films[(i * 7) % 17].id
        library.move_to(film, (i * 5) % 17 + 1)
        after = rank_keys()
        assert {k for k in after if after[k] != before[k]} <= {film}


def test_key_between() -> None:
    assert ranking.key_between(None, None) == 0
    assert ranking.key_between(None, 10) == 10 - ranking.GAP
    assert ranking.key_between(10, None) == 10 + ranking.GAP
    assert ranking.key_between(10, 20) == 15
    assert ranking.key_between(10, 11) is None
    assert ranking.key_between(-3, -1) == -2


def test_moves_survive_reopening(db_path: Path, library: Library) -> None:
    always = library.find("Always")
    library.move_to(always.id, 2)
    library.move_to_bottom(library.find("A Moment to Remember").id)
    expected = order(library)
    library.close()
    again = Library.open(db_path)
    try:
        assert order(again) == expected
        assert again.films()[0].title == "Always"
        assert again.films()[-1].title == "A Moment to Remember"
    finally:
        again.close()
