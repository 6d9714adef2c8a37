"""What an export holds beyond the ranking, declared once for the CLI's flags, the library, the
app and the file formats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the search behind listing costs start-up; this needs only its name
    from cryqueue.domain.listing import WatchFilter


@dataclass(frozen=True)
class ExportOptions:
    """`watched_only` leaves out films not watched yet. `notes`, `rating` and `tags` add what
    the shareable formats leave out unless asked: notes are private. `stats` appends the
    statistics (`cryqueue stats`) to the Markdown export; no other format has them."""

    watched_only: bool = False
    notes: bool = False
    rating: bool = False
    tags: bool = False
    stats: bool = False

    @property
    def watched(self) -> WatchFilter:
        return "watched" if self.watched_only else "all"


# The formats that leave each choice to the user (`include_*` options); the others always hold
# what it adds: JSON and CSV every field, Letterboxd's CSV the rating and tags.
INCLUDED_ON_REQUEST: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"notes": ("markdown", "letterboxd"), "rating": ("markdown",), "tags": ("markdown",)}
)
assert set(INCLUDED_ON_REQUEST) == {f.name for f in fields(ExportOptions)} - {
    "watched_only",
    "stats",  # Markdown's alone: see STATS_FORMATS
}
STATS_FORMATS = ("markdown",)


def needless_options(options: ExportOptions, fmt: str) -> list[str]:
    """The options asked for that `fmt` has no choice about (it always holds them)."""
    return [
        name
        for name, formats in INCLUDED_ON_REQUEST.items()
        if getattr(options, name) and fmt not in formats
    ]


# What an export holds unless asked otherwise: every film, without notes, ratings or tags.
DEFAULT_OPTIONS = ExportOptions()
