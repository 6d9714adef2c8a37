"""What reading a library takes, whoever reads it: the `Library` or the
first-frame reader (`storage.fast_read.Peek`, the standard library's sqlite3 alone, for the
app's first frame and for commands that only read a ready library)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from cryqueue.domain.films import FilmEntry, ListRow, RankedFilms, Stats

if TYPE_CHECKING:  # each costs start-up to import; a reader's annotations need only names
    from collections.abc import Iterator

    from cryqueue.domain.diary import DiaryEntry
    from cryqueue.domain.export_options import ExportOptions
    from cryqueue.domain.insights import Insights
    from cryqueue.domain.listing import WatchFilter


class LibraryReader(Protocol):
    def films(self, watched: WatchFilter = "all") -> list[FilmEntry]: ...

    def first_rows(self, limit: int) -> list[ListRow]: ...

    def stats(self) -> Stats: ...

    def ranked_films(self, options: ExportOptions) -> Iterator[RankedFilms]: ...

    def diary(self, year: int | None = None) -> list[DiaryEntry]: ...

    def insights(self, year: int | None = None) -> Insights: ...

    def close(self) -> None: ...
