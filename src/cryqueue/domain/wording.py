"""Small pieces of wording the CLI and the app share, so both say a thing the same way."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 viewing', '2 viewings', '0 films': never 'viewing(s)'."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def viewings_forgotten(days: int, undated: bool) -> str:
    """What unwatching a film forgot: '2 viewings forgotten' (an undated one counts)."""
    return f"{counted(days + int(undated), 'viewing')} forgotten"
