"""The schema a new library is created from is written out of the models (`schema_text`, by
scripts/write-schema.py) so that creating one needs no SQLAlchemy: it must stay theirs."""

from __future__ import annotations

from cryqueue.storage import schema_source, schema_text

REGENERATE = "the models changed: run 'python scripts/write-schema.py'"


def test_the_written_tables_are_the_models() -> None:
    assert schema_source.tables() == schema_text.TABLES, REGENERATE


def test_the_written_film_defaults_are_the_models() -> None:
    # repr: False and 0 are equal, but not the same default
    assert repr(schema_text.FILM_DEFAULTS) == repr(schema_source.film_defaults()), REGENERATE
