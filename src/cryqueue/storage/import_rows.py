"""The film table's rows of the films an import adds, as plain tuples for one `executemany`
a chunk.

Most films of a big import are named by one record each and match nothing: their row is
built straight from the record (`lone`), with no merged film and no dict of columns between,
which cost more than SQLite spends storing the row. Films that several records name go
through the merge rules and come here as their columns (`merged`); both give the same row."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from cryqueue.domain.import_records import ImportRecord
from cryqueue.storage.film_rows import FILM_ROW_COLUMNS, film_columns, film_row
from cryqueue.storage.import_merge import STATE_COLUMNS, MergedFilm, lone_state
from cryqueue.storage.schema_text import FILM_DEFAULTS

# The columns a new film gets from its record beside its facts, then its state; and last, those
# the writing gives it (`finish`).
_RECORD_COLUMNS = ("episodes", "country", "imdb_id")
_LAST_COLUMNS = ("added_at", "updated_at", "rank_key")


class NewRows:
    """The INSERT of new films and their rows, its columns in one order: a film's fact and
    search columns (`film_rows`, the one owner of those), the record's, the film's state
    (`lone_state`), the defaults of `Film`, and its times and place."""

    def __init__(self) -> None:
        given = (*FILM_ROW_COLUMNS, *_RECORD_COLUMNS, *STATE_COLUMNS)
        rest = tuple(name for name in FILM_DEFAULTS if name not in given)
        self._rest = tuple(FILM_DEFAULTS[name] for name in rest)
        names = (*given, *rest, *_LAST_COLUMNS)
        self._all = itemgetter(*names)
        self.sql = f"INSERT INTO film ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"

    def early(self, record: ImportRecord, title_norm: str | None = None) -> tuple[Any, ...]:
        """The row of a new film only `record` names (see `import_merge.is_lone`) but for the
        columns the writing gives it (`finish`): all that the record says, worked out while
        the chunk before is written. `title_norm`: its title as `norm` gives it, if known."""
        return (
            *film_row(record.facts, title_norm),
            record.episodes,
            record.country,
            record.imdb_id,
            *lone_state(record),
            *self._rest,
        )

    @staticmethod
    def finish(early: tuple[Any, ...], now: str, rank_key: int) -> tuple[Any, ...]:
        """An `early` row completed: added and updated now, at `rank_key`."""
        return (*early, now, now, rank_key)

    def columns_of(self, record: ImportRecord, now: str) -> dict[str, Any]:
        """A new film's columns by name before its records are merged (`MergedFilm.columns`):
        `merge` and `changes` fill in its state."""
        return {
            **FILM_DEFAULTS,
            **film_columns(record.facts),
            "episodes": record.episodes,
            "country": record.country,
            "imdb_id": record.imdb_id,
            "added_at": now,
            "updated_at": now,
        }

    def merged(self, film: MergedFilm, rank_key: int) -> tuple[Any, ...]:
        """The row of a new film from its columns, as `import_merge.changes` completed them."""
        assert film.columns is not None
        film.columns["rank_key"] = rank_key
        row: tuple[Any, ...] = self._all(film.columns)
        return row
