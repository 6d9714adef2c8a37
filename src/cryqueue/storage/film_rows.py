"""A film's stored columns from the facts a user or an import gives: checked, cleaned, with
their search columns, and refused when an import would take them for a film already here."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmFacts
from cryqueue.domain.search import identity_names
from cryqueue.domain.text import search_columns
from cryqueue.storage.database import driver_of
from cryqueue.storage.fast_read import stored_columns


def checked_facts(facts: FilmFacts) -> dict[str, Any]:
    """The film's columns from facts as a user gave them: checked and cleaned first."""
    if facts.runtime_minutes is not None and not 1 <= facts.runtime_minutes <= 10_000:
        raise UsageError("runtime must be from 1 to 10000 minutes")
    clean = FilmFacts(
        title=validate.title(facts.title),
        year=validate.year(facts.year),
        original_title=validate.optional_text(facts.original_title, "the original title"),
        kind=validate.kind(facts.kind),
        director=validate.optional_text(facts.director, "the director"),
        network=validate.optional_text(facts.network, "the network"),
        cast=validate.cast(facts.cast),
        runtime_minutes=facts.runtime_minutes,
        synopsis=validate.clean_text(
            facts.synopsis.strip(), "the synopsis", multiline=True, limit=20_000
        ),
    )
    return film_columns(clean)


def film_columns(facts: FilmFacts) -> dict[str, Any]:
    """The film's columns from facts already checked (as every `ImportRecord` is), by name."""
    return {
        **stored_columns(vars(facts)),  # its fields by name (FACT_FIELDS)
        **search_columns(
            facts.title, facts.original_title, facts.director, facts.network, facts.cast
        ),
    }


def refuse_duplicate(
    session: Session,
    title: str,
    year: int,
    original_title: str | None = None,
    except_id: int | None = None,
) -> None:
    """Refuse a film that an import would take for one already here (see `identity_names`)."""
    names = identity_names(title, original_title)
    rows = driver_of(session).execute(
        "SELECT id, title, original_title FROM film WHERE year = ?", (year,)
    )
    for film_id, other, other_original in rows:
        if film_id != except_id and names & identity_names(other, other_original):
            raise UsageError(
                f"{title} ({year}) is already in the library as {other} ({year}) (titles "
                "match without case or accents, English or original); edit that one instead"
            )
