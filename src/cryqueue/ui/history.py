"""Undo and redo of the user's changes, as pairs of service calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cryqueue.domain.errors import UsageError

T = TypeVar("T")
R = TypeVar("R")  # what `remove` hands back to put a film back exactly as it was

MAX_STEPS = 200


@dataclass(frozen=True)
class Change:
    """One user action: `undo` and `redo` each return the id of the film to highlight."""

    label: str
    undo: Callable[[], int | None]
    redo: Callable[[], int | None]
    final: str | None = None  # a step that cannot be undone here: why, and what to do instead
    shown: bool = False  # undo and redo bring the screen up to date themselves

    @classmethod
    def barrier(cls, label: str, why: str) -> Change:
        """A step undo stops at (an import): ctrl+z says `why` instead of reaching past it to
        an older, unrelated change."""

        def nothing() -> None:
            return None

        return cls(label, nothing, nothing, final=why)

    @classmethod
    def setting(
        cls,
        label: str,
        film_id: int,
        apply: Callable[[T], Any],
        before: T,
        after: T,
        show: Callable[[T], Any] | None = None,
    ) -> Change:
        """The one way to make a change to one film undoable: `apply` puts a value back
        (`before` on undo, `after` on redo), and the film is highlighted again. `show` puts
        the value on screen, as the change itself did; without it the list is read again
        (the cost of a whole read, for a change that touched one film)."""

        def to(value: T) -> Callable[[], int]:
            def run() -> int:
                apply(value)
                if show is not None:
                    show(value)
                return film_id

            return run

        return cls(label, to(before), to(after), shown=show is not None)

    @classmethod
    def presence(cls, label: str, film: Presence[R], *, added: bool) -> Change:
        """Adding or removing a whole film: undo takes out what was added, or puts back what
        was removed (under a new id, which later steps follow)."""
        if added:
            return cls(label, film.take_out, film.put_back)
        return cls(label, film.put_back, film.take_out)


class Presence(Generic[R]):
    """A film that comes and goes: its id while present, what put it back while absent."""

    def __init__(
        self,
        remove: Callable[[int], R],
        restore: Callable[[R], int],
        *,
        film_id: int | None = None,
        removed: R | None = None,
    ) -> None:
        self._remove, self._restore = remove, restore
        self.film_id, self.removed = film_id, removed

    def take_out(self) -> None:
        assert self.film_id is not None
        self.removed = self._remove(self.film_id)

    def put_back(self) -> int:
        assert self.removed is not None
        self.film_id = self._restore(self.removed)
        return self.film_id


class History:
    def __init__(self) -> None:
        self._done: list[Change] = []
        self._undone: list[Change] = []

    def record(self, change: Change) -> None:
        self._done.append(change)
        del self._done[:-MAX_STEPS]
        self._undone.clear()

    def undo(self) -> tuple[Change, int | None] | None:
        """The last change undone, and the film to highlight; None when there is none. A
        barrier stays where it is and says why (UsageError)."""
        if not self._done:
            return None
        if self._done[-1].final is not None:
            raise UsageError(self._done[-1].final)
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
