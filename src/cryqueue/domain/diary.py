"""The diary: every viewing of every film, newest first, as `cryqueue diary` and the app's diary
screen show it.

A viewing is a rewatch when the same film has an earlier viewing; a film's viewing on a day not
recorded (its `watched_undated` flag) counts as its first, so every dated viewing of such a film
is a rewatch. Two viewings on one day come in the order they were logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DiaryEntry:
    """One viewing; `day` is None for a film's viewing on a day not recorded."""

    film_id: int
    day: date | None
    title: str
    original_title: str | None
    year: int
    rewatch: bool
    tear_level: int | None
    rating: float | None

    @property
    def month(self) -> str | None:
        """'2024-05', or None when undated: what the diary groups by."""
        return self.day.strftime("%Y-%m") if self.day else None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object of `diary --format json`."""
        return {
            "date": self.day.isoformat() if self.day else None,
            "title": self.title,
            "original_title": self.original_title,
            "year": self.year,
            "rewatch": self.rewatch,
            "tear_level": self.tear_level,
            "rating": self.rating,
        }
