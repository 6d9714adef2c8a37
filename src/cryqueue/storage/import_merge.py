"""How an import's records add up to what happens to one film: the merge rules, with no
database in them (`import_writer` reads and writes; this says what to write)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cryqueue.domain.import_records import ImportRecord
from cryqueue.domain.validate import tag_key
from cryqueue.storage.fast_read import json_list
from cryqueue.storage.import_matching import FilmKey, State
from cryqueue.storage.schema_text import FILM_DEFAULTS
from cryqueue.storage.shared_sql import sql_now

Sources = dict[str, tuple[Counter[date], Counter[date]]]  # file -> (viewings, rewatches)

# A new film's state starts from the film's column defaults.
NEW_STATE = State("", *(FILM_DEFAULTS[name] for name in State._fields[1:]))

NONE: Counter[date] = Counter()  # no viewings; shared, never changed


@dataclass
class MergedFilm:
    """What the records of one film add up to."""

    label: str
    fid: int | None  # None: a film the import adds
    columns: dict[str, Any] | None = None  # a new film's columns
    sources: dict[str, tuple[Counter[date], Counter[date]]] = field(default_factory=dict)
    watched: bool = False
    undated: bool = False
    tear_level: int | None = None
    rating: float | None = None
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    imdb_id: str | None = None
    slot: FilmKey | None = None  # a new film's (see `slot_of`)
    after: State | None = None  # (dry run) the film as the import leaves it
    after_days: Counter[date] | None = None

    @property
    def days(self) -> Counter[date]:
        return self._merged(0)

    @property
    def rewatches(self) -> Counter[date]:
        return self._merged(1)

    def _merged(self, which: int) -> Counter[date]:
        """The sources' (days, rewatches) counters, `which` of the two: one source's as it
        is (no copy: the usual case, a JSON export is one source), several by `_most`."""
        counters = [pair[which] for pair in self.sources.values()]
        if not counters:
            return NONE
        return counters[0] if len(counters) == 1 else _most(counters)


def _most(counters: Iterable[Counter[date]]) -> Counter[date]:
    out: Counter[date] = Counter()
    for counter in counters:
        out |= counter
    return out


def merge(film: MergedFilm, record: ImportRecord) -> None:
    # Viewings are a multiset (a film can be watched twice a day). The rows of one diary-like
    # file are a viewing each and add up; different files (Letterboxd's diary and reviews) and
    # whole-film records (cryqueue's JSON) repeat the same viewings, so the most any of them
    # has is kept, day by day. Importing the same file again then adds nothing.
    if not record.viewings and not record.rewatches:
        pass
    elif record.source:
        days, rewatches = film.sources.setdefault(record.source, (Counter(), Counter()))
        days.update(record.viewings)
        rewatches.update(record.rewatches)
    else:
        days, rewatches = film.sources.setdefault(record.source, (Counter(), Counter()))
        days |= Counter(record.viewings)
        if record.rewatches:
            rewatches |= Counter(record.rewatches)
    film.watched = film.watched or record.watched
    film.undated = film.undated or record.watched_undated
    if record.tear_level is not None:
        film.tear_level = record.tear_level
    if record.rating is not None:
        film.rating = record.rating
    if record.note and record.note not in film.notes:
        film.notes.append(record.note)
    if record.tags:
        film.tags = _with_tags(film.tags, record.tags)
    film.imdb_id = film.imdb_id or record.imdb_id


# A new film's own state, in the order `lone_state` gives it: what `changes` completes a new
# film's columns with.
STATE_COLUMNS = ("tear_level", "rating", "note", "tags_json", "watched_undated")


def is_lone(record: ImportRecord) -> bool:
    """Whether `lone_state` and `lone_days` say what `merge` and `changes` would make of a new
    film that this record alone names: a whole film's record (no diary-like file's rows, which
    later chunks add up with) and no rewatches."""
    return not record.source and not record.rewatches


def lone_state(record: ImportRecord) -> tuple[Any, ...]:
    """The state columns (STATE_COLUMNS) of a new film that only this record names (see
    `is_lone`): the merge rules worked out for one record, at a fraction of their cost."""
    tags = record.tags
    return (
        record.tear_level,
        record.rating,
        record.note,
        _tags_json(_with_tags([], tags)) if tags else "[]",
        record.watched_undated or (record.watched and not record.viewings),
    )


def lone_days(record: ImportRecord) -> Iterable[date]:
    """Its viewings, in the order `changes` gives a merged film's (`Counter.elements`)."""
    days = record.viewings
    return days if len(days) < 2 else Counter(days).elements()


def changes(
    films: Iterable[MergedFilm],
    state_of: Callable[[int], State],
    have_days: dict[int, Counter[date]],
    lines: list[str] | None,
) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
    """The UPDATE parameters for matched films and the viewings to insert for them; new
    films' columns are completed in place. With `lines` (a dry run), a line per film saying
    what happens to it, and each film kept as it would be after (`after`)."""
    updates: list[tuple[Any, ...]] = []
    viewings: list[tuple[int, str]] = []
    now = sql_now()
    for film in films:
        if film.fid is None:
            before, have = State(film.label, *NEW_STATE[1:]), NONE
        else:
            before, have = state_of(film.fid), have_days.get(film.fid, NONE)
        _label, tears, rating, note, tags_json, undated, imdb_id = before
        days = film.days
        new_days = days - have if have else days
        all_days = have | days if have else days
        seen_before = film.undated or _seen_before(film.rewatches, all_days)
        # "Watched, day not recorded" (an IMDb rating, watched.csv) is dropped once a first
        # dated viewing arrives without a sign of an earlier one.
        superseded = undated and not have and bool(new_days) and not seen_before
        undated_now = (undated and not superseded) or seen_before or (film.watched and not all_days)
        new_note = _merged_note(note, film.notes)
        old_tags = json.loads(tags_json) if tags_json != "[]" else []
        new_tags = _with_tags(old_tags, film.tags) if film.tags else old_tags
        change = {
            "tear_level": film.tear_level if film.tear_level not in (None, tears) else None,
            "rating": film.rating if film.rating not in (None, rating) else None,
            "note": new_note if new_note != note else None,
            "tags_json": _tags_json(new_tags) if new_tags != old_tags else None,
            "undated": undated_now if undated_now != undated else None,
            "imdb_id": film.imdb_id if film.imdb_id and not imdb_id else None,
        }
        if lines is not None:
            what = _describe(change, new_days, new_tags[len(old_tags) :])
            if film.fid is None:
                lines.append(f"add    {film.label}" + (f": {what}" if what else ""))
            else:
                lines.append(f"match  {film.label}: {what or 'nothing new'}")
            film.after = before._replace(
                **{k: v for k, v in _state_of(change).items() if v is not None}
            )
            film.after_days = all_days
        if film.fid is None:
            assert film.columns is not None
            film.columns.update(
                tear_level=film.tear_level,
                rating=film.rating,
                note=new_note,
                tags_json=change["tags_json"] or "[]",
                watched_undated=undated_now,
            )
            continue
        viewings += [(film.fid, d.isoformat()) for d in new_days.elements()]
        if any(v is not None for v in change.values()):
            updates.append((*change.values(), now, film.fid))
    return updates, viewings


def _state_of(change: dict[str, Any]) -> dict[str, Any]:
    """A change's fields by `State`'s names."""
    renamed = {"undated": "watched_undated"}
    return {renamed.get(name, name): value for name, value in change.items()}


def _seen_before(rewatches: Counter[date], days: Counter[date]) -> bool:
    """Every viewing on the earliest known day is marked a rewatch: the film was seen before
    anyone recorded it (Letterboxd's Rewatch on a first diary entry)."""
    if not rewatches or not days:
        return False
    first = min(days)
    return rewatches[first] >= days[first]


def _merged_note(note: str, incoming: list[str]) -> str:
    """The film's note with each imported text it does not already contain added below."""
    for extra in incoming:
        if not note:
            note = extra
        elif extra.strip() and extra.strip() not in note:
            note = f"{note.rstrip()}\n\n{extra}"
    return note


def _with_tags(tags: list[str], more: Iterable[str]) -> list[str]:
    """`tags` and those of `more` it lacks, compared as tags compare (`HboMax` is `hbomax`):
    the spelling met first is kept."""
    have = {tag_key(t) for t in tags}
    out = list(tags)
    for tag in more:
        key = tag_key(tag)
        if key not in have:
            have.add(key)
            out.append(tag)
    return out


def _tags_json(tags: list[str]) -> str:
    return json_list(tags) if tags else "[]"


def _describe(change: dict[str, Any], new_days: Counter[date], new_tags: list[str]) -> str:
    parts = []
    if new_days:
        count = sum(new_days.values())
        parts.append(f"{count} viewing{'s' if count > 1 else ''}")
    if change["undated"]:
        parts.append("watched (day not recorded)")
    if change["rating"] is not None:
        parts.append(f"rating {change['rating']:g}")
    if change["tear_level"] is not None:
        parts.append(f"tear level {change['tear_level']}")
    if new_tags:
        parts.append("tags " + " ".join(f"+{t}" for t in new_tags))
    if change["note"] is not None:
        parts.append("note")
    if change["imdb_id"] is not None:
        parts.append(f"IMDb id {change['imdb_id']}")
    return ", ".join(parts)
