"""The test harness's pool of PostgreSQL databases: a database a test is done with is handed to a
later test only when it is, row for row and in its whole shape, the template again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pg_server import DatabasePool, PgServer

_pools = itertools.count(1)


@pytest.fixture
def pool(pg_template: tuple[PgServer, str]) -> Iterator[DatabasePool]:
    server, template = pg_template
    pool = DatabasePool(server, template, prefix=f"cq_pooltest{next(_pools)}")
    yield pool
    pool.close()


def rows(url: str, statement: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def contents(url: str) -> list[list[tuple[Any, ...]]]:
    """Every row of every table, and where each sequence is."""
    tables = rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    found = [rows(url, f"SELECT * FROM {name} ORDER BY 1") for (name,) in tables]
    found.append(rows(url, "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"))
    return found


def databases(pool: DatabasePool) -> set[str]:
    names = rows(pool.url("postgres"), "SELECT datname FROM pg_database")
    return {name for (name,) in names if name.startswith("cq_pooltest")}


def test_a_database_with_changed_rows_is_handed_out_again_as_the_template(
    pool: DatabasePool, pg_template: tuple[PgServer, str]
) -> None:
    server, template = pg_template
    expected = contents(server.url(template))
    name = pool.take()
    url = pool.url(name)
    assert contents(url) == expected
    rows(url, "INSERT INTO viewing (film_id, watched_on) SELECT id, '2024-01-01' FROM film")
    rows(url, "UPDATE film SET note = 'changed', rank_key = -rank_key")
    rows(url, "DELETE FROM meta WHERE key = 'catalog_version'")
    left_open = psycopg.connect(url, autocommit=True)  # a connection the test forgot
    pool.give_back(name)
    with pytest.raises(psycopg.OperationalError):
        left_open.execute("SELECT 1")
    left_open.close()
    assert pool.take() == name, "put back, not dropped"
    assert contents(url) == expected


@pytest.mark.parametrize(
    "change",
    [
        "DELETE FROM meta WHERE key = 'catalog_version'",  # a delete alone
        "DELETE FROM film WHERE id = (SELECT min(id) FROM film)",  # and what refers to it
        "UPDATE source SET title = title || '!'",  # as many rows as before
        "BEGIN; UPDATE film SET note = 'x'; ROLLBACK; SELECT nextval('film_id_seq')",
    ],
)
def test_only_the_changed_tables_are_refilled_and_come_back_whole(
    pool: DatabasePool, pg_template: tuple[PgServer, str], change: str
) -> None:
    """A table is refilled when its rows changed (with the tables that refer to it); every
    sequence is set back even when no row changed."""
    server, template = pg_template
    expected = contents(server.url(template))
    name = pool.take()
    rows(pool.url(name), "SELECT 1")  # a use that changes nothing
    pool.give_back(name)
    assert pool.take() == name
    rows(pool.url(name), change)
    assert contents(pool.url(name)) != expected or "ROLLBACK" in change
    pool.give_back(name)
    assert pool.take() == name, "put back, not dropped"
    assert contents(pool.url(name)) == expected


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE invoices (id serial PRIMARY KEY)",
        "ALTER TABLE film DROP COLUMN note",
        "ALTER TABLE film ALTER COLUMN title DROP NOT NULL",
        "CREATE INDEX extra ON film (note)",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "REVOKE ALL ON film FROM PUBLIC; GRANT SELECT ON film TO PUBLIC",
        "ALTER TABLE meta RENAME TO settings",
    ],
)
def test_a_database_whose_shape_changed_is_dropped(pool: DatabasePool, change: str) -> None:
    name = pool.take()
    rows(pool.url(name), change)
    pool.give_back(name)
    assert name not in databases(pool)
    assert pool.take() != name
