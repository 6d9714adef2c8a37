"""Merging imported records into the library in one transaction, with bulk statements.

ORM objects cost about 130 µs a film; 100,000 films would take most of a minute. So new films go
in with one multi-row INSERT, their ids come back with one SELECT, and viewings, updates and the
new ranking go in as executemany batches.

Everything is worked out in memory first (`plan`), so a dry run is the same code stopping
before the first write, and importing the same file twice finds nothing left to do."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlmodel import Session, col, select

from cryqueue.domain.errors import UsageError
from cryqueue.domain.import_records import (
    AMBIGUOUS,
    ImportBatch,
    ImportRecord,
    ImportSummary,
    Skip,
    skip_counts,
    viewings_kept_as_given,
)
from cryqueue.domain.search import fold, identity_names
from cryqueue.domain.validate import tag_key
from cryqueue.storage import ranking
from cryqueue.storage.database import driver_of
from cryqueue.storage.fast_read import days_by_film
from cryqueue.storage.models import Film

Progress = Callable[[str, int, int], None]  # (phase, done, total)
FilmKey = tuple[str, int]  # folded title, year
PROGRESS_STEP = 5_000


# What the ORM would fill in for a new film's columns (`Film`'s defaults): a bulk INSERT has
# to say every column, and a new film's state starts from them.
_DEFAULTS: dict[str, Any] = {
    name: info.default
    for name, info in Film.model_fields.items()
    if name != "id" and not info.is_required() and info.default_factory is None
}


class _State(NamedTuple):
    """A film's fields that an import may change, as the library has them."""

    label: str
    tear_level: int | None
    rating: float | None
    note: str
    tags_json: str
    watched_undated: bool
    imdb_id: str | None

    @classmethod
    def new(cls, label: str) -> _State:
        """The state of a film the import adds: the defaults of a new film."""
        return cls(label, *(_DEFAULTS[name] for name in cls._fields[1:]))


@dataclass
class _Known:
    """The library's films as matching sees them, with the state an import may change."""

    by_imdb: dict[str, int] = field(default_factory=dict)
    by_title: dict[FilmKey, list[int]] = field(default_factory=dict)
    state: dict[int, _State] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> _Known:
        known = cls()
        rows = session.execute(
            text(
                "SELECT id, title, original_title, year, imdb_id, tear_level, rating, note,"
                " tags_json, watched_undated FROM film"
            )
        )
        for fid, title, original, year, imdb_id, tears, rating, note, tags, undated in rows:
            if imdb_id:
                known.by_imdb.setdefault(imdb_id, fid)
            for name in identity_names(title, original):
                known.by_title.setdefault((name, year), []).append(fid)
            label = f"{title} ({year})"
            known.state[fid] = _State(label, tears, rating, note, tags, bool(undated), imdb_id)
        return known

    def match(self, record: ImportRecord, key: FilmKey) -> list[int]:
        """The films a record names: by IMDb id, else by title and year (`key`), English or
        original."""
        wanted = record.imdb_id
        if wanted and wanted in self.by_imdb:
            return [self.by_imdb[wanted]]
        found = self.by_title.get(key, [])
        original = record.facts.original_title
        if original:
            found = list(dict.fromkeys([*found, *self.by_title.get((fold(original), key[1]), ())]))
        if wanted:  # a namesake known to be another title on IMDb is not this one
            found = [f for f in found if self.state[f].imdb_id in (None, wanted)]
        return found


NONE: Counter[date] = Counter()  # no viewings; shared, never changed


@dataclass
class _Film:
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

    @property
    def days(self) -> Counter[date]:
        if not self.sources:
            return NONE
        if len(self.sources) == 1:
            return next(iter(self.sources.values()))[0]
        return _most(days for days, _rewatches in self.sources.values())

    @property
    def rewatches(self) -> Counter[date]:
        if not self.sources:
            return NONE
        return _most(rewatches for _days, rewatches in self.sources.values())


def import_batch(
    session: Session,
    batch: ImportBatch,
    columns: Callable[[Any], dict[str, Any]],
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
) -> ImportSummary:
    """Matched films get the file's tear level, rating and note where it has them (a note is
    added below the film's own, never over it), its tags and viewings added to theirs; other
    films are added as the user's own. With `batch.ranking`, those films lead the ranking."""
    report = progress or (lambda _phase, _done, _total: None)
    known = _Known.read(session)
    have_days = _days_by_film(session)
    films, order, skipped = _gather(batch, known, columns, report)
    if batch.strict and skipped:
        raise UsageError(_strict_refusal(skipped))
    changes, viewings, lines = _changes(films, known, have_days, describe=dry_run)
    new = [f for f in films.values() if f.fid is None]
    summary = ImportSummary(
        added=len(new),
        matched=len(films) - len(new),
        skipped=tuple(skipped),
        lines=tuple(lines),
        notes=(*batch.notes, *viewings_kept_as_given(batch.records, date.today())),
        ignored=tuple(batch.ignored),
    )
    if dry_run:
        return summary
    if new:
        report("writing", 0, len(new))
        first_new = int(session.execute(text("SELECT coalesce(max(id), 0) FROM film")).scalar_one())
        bottom = ranking.bottom_key(session)
        rows = [
            {**(f.columns or {}), "rank_key": bottom + n * ranking.GAP} for n, f in enumerate(new)
        ]
        _insert(session, "film", rows)
        added = session.execute(
            text("SELECT id FROM film WHERE id > :first ORDER BY id"), {"first": first_new}
        )
        for film, (fid,) in zip(new, added, strict=True):
            film.fid = int(fid)
        viewings += [
            {"film_id": f.fid, "watched_on": day.isoformat()}
            for f in new
            for day in f.days.elements()
        ]
    if changes:
        session.execute(
            text(
                "UPDATE film SET tear_level = coalesce(:tear_level, tear_level),"
                " rating = coalesce(:rating, rating), note = coalesce(:note, note),"
                " tags_json = coalesce(:tags_json, tags_json),"
                " imdb_id = coalesce(imdb_id, :imdb_id),"
                " watched_undated = coalesce(:undated, watched_undated), updated_at = :now"
                " WHERE id = :id"
            ),
            changes,
        )
    if viewings:
        _insert(session, "viewing", viewings)
    report("ranking", 0, 1)
    if order is not None:
        placed = [films[key].fid for key in order]
        current = _current_order(session)
        if placed != current[: len(placed)]:
            named = set(placed)
            ids = [fid for fid in placed if fid is not None]
            ranking.assign_order(session, ids + [fid for fid in current if fid not in named])
    report("done", 1, 1)
    return summary


def _gather(
    batch: ImportBatch,
    known: _Known,
    columns: Callable[[Any], dict[str, Any]],
    report: Progress,
) -> tuple[dict[FilmKey | int, _Film], list[FilmKey | int] | None, list[Skip]]:
    """Records grouped by the film they name, in first-mention order."""
    films: dict[FilmKey | int, _Film] = {}
    slot_of: list[FilmKey | int | None] = []
    skipped = list(batch.skipped)
    now = sql_now()
    total = len(batch.records)
    for done, record in enumerate(batch.records):
        if done % PROGRESS_STEP == 0:
            report("reading", done, total)
        facts = record.facts
        key = (fold(facts.title), facts.year)
        matches = known.match(record, key)
        if len(matches) > 1:
            names = " and ".join(known.state[m].label for m in matches[:2])
            label = f"{facts.title} ({facts.year})"
            skipped.append(Skip(record.where, label, f"matches {names}", AMBIGUOUS))
            slot_of.append(None)
            continue
        # New films are told apart by IMDb id when the file has one (two namesakes of a year).
        slot: FilmKey | int = key
        if matches:
            slot = matches[0]
        elif record.imdb_id:
            slot = (record.imdb_id, 0)
        film = films.get(slot)
        if film is None:
            if matches:
                film = _Film(known.state[matches[0]].label, matches[0])
            else:
                new_columns = {
                    **_DEFAULTS,
                    **columns(facts),
                    "episodes": record.episodes,
                    "country": record.country,
                    "imdb_id": record.imdb_id,
                    "added_at": now,
                    "updated_at": now,
                }
                film = _Film(f"{facts.title} ({facts.year})", None, new_columns)
            films[slot] = film
        _merge(film, record)
        slot_of.append(slot)
    report("reading", total, total)
    order: list[FilmKey | int] | None = None
    if batch.ranking is not None:
        chosen = (slot_of[i] for i in batch.ranking)
        order = list(dict.fromkeys(s for s in chosen if s is not None))
    return films, order, skipped


def _most(counters: Iterable[Counter[date]]) -> Counter[date]:
    out: Counter[date] = Counter()
    for counter in counters:
        out |= counter
    return out


def _merge(film: _Film, record: ImportRecord) -> None:
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


def _changes(
    films: dict[FilmKey | int, _Film],
    known: _Known,
    have_days: dict[int, Counter[date]],
    *,
    describe: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The UPDATE parameters for matched films, the viewings to insert for them, and (with
    `describe`, for a dry run) a line per film saying what happens to it. New films' columns
    are completed in place."""
    updates: list[dict[str, Any]] = []
    viewings: list[dict[str, Any]] = []
    lines: list[str] = []
    now = sql_now()
    for film in films.values():
        if film.fid is None:
            before, have = _State.new(film.label), NONE
        else:
            before, have = known.state[film.fid], have_days.get(film.fid, NONE)
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
        what = _describe(change, new_days, new_tags[len(old_tags) :]) if describe else ""
        if film.fid is None:
            assert film.columns is not None
            film.columns.update(
                tear_level=film.tear_level,
                rating=film.rating,
                note=new_note,
                tags_json=change["tags_json"] or "[]",
                watched_undated=undated_now,
            )
            if describe:
                lines.append(f"add    {film.label}" + (f": {what}" if what else ""))
            continue
        if describe:
            lines.append(f"match  {film.label}: {what or 'nothing new'}")
        viewings += [
            {"film_id": film.fid, "watched_on": d.isoformat()} for d in new_days.elements()
        ]
        if any(v is not None for v in change.values()):
            updates.append({"id": film.fid, "now": now, **change})
    return updates, viewings, lines


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


def _strict_refusal(skipped: list[Skip]) -> str:
    """The first skipped row's problem, and how many more there are: one line."""
    first, count = skipped[0], len(skipped)
    return (
        f"{first.where}: {first.reason}; --strict: {count} row{'s' if count > 1 else ''} "
        f"would be skipped ({skip_counts(skipped)}), so nothing was written"
    )


def _tags_json(tags: list[str]) -> str:
    return json.dumps(tags, ensure_ascii=False) if tags else "[]"


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


def _insert(session: Session, table: str, rows: list[dict[str, Any]]) -> None:
    """A multi-row INSERT through the driver: SQLAlchemy's executemany spends more time
    building each row's parameters than SQLite spends storing the row. The rows hold plain
    values already, as SQLAlchemy would store them (`sql_now` text, ISO dates, bools as 0/1)."""
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    driver_of(session).executemany(sql, [tuple(row[c] for c in columns) for row in rows])


def sql_now() -> str:
    """Now, in SQLAlchemy's storage format for a DateTime on SQLite (UTC, no offset)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _days_by_film(session: Session) -> dict[int, Counter[date]]:
    return {fid: Counter(days) for fid, days in days_by_film(driver_of(session)).items()}


def _current_order(session: Session) -> list[int]:
    return [int(i) for i in session.exec(select(Film.id).order_by(col(Film.rank_key))) if i]
