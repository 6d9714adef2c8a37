"""Undo and redo of the user's changes, as pairs of service calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

MAX_STEPS = 200


@dataclass(frozen=True)
class Change:
    """One user action: `undo` and `redo` each return the id of the film to highlight."""

    label: str
    undo: Callable[[], int | None]
    redo: Callable[[], int | None]

    @classmethod
    def setting(
        cls, label: str, film_id: int, apply: Callable[[T], Any], before: T, after: T
    ) -> Change:
        """The one way to make a change to one film undoable: `apply` puts a value back
        (`before` on undo, `after` on redo), and the film is highlighted again."""

        def to(value: T) -> Callable[[], int]:
            def run() -> int:
                apply(value)
                return film_id

            return run

        return cls(label, to(before), to(after))


class History:
    def __init__(self) -> None:
        self._done: list[Change] = []
        self._undone: list[Change] = []

    def record(self, change: Change) -> None:
        self._done.append(change)
        del self._done[:-MAX_STEPS]
        self._undone.clear()

    def undo(self) -> tuple[Change, int | None] | None:
        if not self._done:
            return None
        change = self._done.pop()
        focus = change.undo()
        self._undone.append(change)
        return change, focus

    def redo(self) -> tuple[Change, int | None] | None:
        if not self._undone:
            return None
        change = self._undone.pop()
        focus = change.redo()
        self._done.append(change)
        return change, focus
