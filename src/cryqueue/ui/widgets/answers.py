"""How a typed answer is checked and its error shown: one rule for the prompt bar and for
every dialog, so that an error reads the same wherever it was typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Static

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.text import visible

# A submit callback returns an error message to show, or None when it succeeded; a
# CryqueueError it raises is shown the same way.
Submit = Callable[[str], str | None]


def shown(text: str) -> Text:
    """Text from anywhere (a file's name, a title, an error quoting a row) as plain text:
    no markup, control characters made visible."""
    return Text(visible(text, lines=True))


def say_error(where: Static, message: str) -> None:
    """Every error the same way, in the CLI's words: whole (wrapped, never cut)."""
    message = message.strip()
    where.update(shown(message))
    where.set_class(bool(message), "shown")


def refusal(submit: Submit | None, value: str) -> str | None:
    """Why `submit` refused `value` (its message, or a CryqueueError's), or None: it took it."""
    try:
        return submit(value) if submit else None
    except CryqueueError as exc:
        return str(exc)
