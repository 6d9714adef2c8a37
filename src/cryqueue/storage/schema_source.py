"""The schema as the models make it, rendered as `schema_text`: for scripts/write-schema.py
and the test that holds the two together. The only module of the schema that needs
SQLAlchemy at run time is this one, and nothing but that script and test imports it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import create_engine

from cryqueue.storage import models

Table = tuple[str, tuple[str, ...], str, tuple[str, ...]]  # name, columns, CREATE, indexes


def tables() -> tuple[Table, ...]:
    """Each table of a new library, as SQLAlchemy creates it on SQLite from the models (its
    indexes in order: SQLAlchemy keeps them in a set)."""
    engine = create_engine("sqlite://")  # only its dialect is used: nothing connects
    return tuple(
        (
            table.name,
            tuple(column.name for column in table.columns),
            str(CreateTable(table).compile(engine)),
            tuple(sorted(str(CreateIndex(index).compile(engine)) for index in table.indexes)),
        )
        for table in models.Film.metadata.sorted_tables
    )


def film_defaults() -> dict[str, Any]:
    """What the ORM fills in for a new film's columns that are not given (`Film`'s plain
    defaults: not its id, nor the times a factory gives)."""
    return {
        name: info.default
        for name, info in models.Film.model_fields.items()
        if name != "id" and not info.is_required() and info.default_factory is None
    }


def render() -> str:
    """The text of `schema_text.py`."""
    lines = [
        '"""A new library\'s tables as SQLite creates them, and a new film\'s column defaults:',
        "written by scripts/write-schema.py from the models (storage/models.py, where the schema",
        "is defined; a test fails when the two differ). Creating a library, seeding it and",
        'importing into it read them here and load no SQLAlchemy."""',
        "",
        "from typing import Any",
        "",
        "# name, columns, CREATE TABLE, CREATE INDEX statements",
        "TABLES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (",
    ]
    for table in tables():
        lines.append(f"    {table!r},")
    lines += [")", "", "FILM_DEFAULTS: dict[str, Any] = {"]
    lines += [f"    {name!r}: {value!r}," for name, value in film_defaults().items()]
    lines += ["}", ""]
    return "\n".join(lines)
