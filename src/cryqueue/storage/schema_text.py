"""A new library's tables as SQLite creates them, and a new film's column defaults:
written by scripts/write-schema.py from the models (storage/models.py, where the schema
is defined; a test fails when the two differ). Creating a library, seeding it and
importing into it read them here and load no SQLAlchemy."""

from typing import Any

# name, columns, CREATE TABLE, CREATE INDEX statements
TABLES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (
        "dismissedcatalogfilm",
        ("key",),
        '\nCREATE TABLE dismissedcatalogfilm (\n\t"key" VARCHAR NOT NULL, \n\tPRIMARY KEY ("key")\n)\n\n',
        (),
    ),
    (
        "film",
        (
            "id",
            "key",
            "title",
            "original_title",
            "original_language",
            "year",
            "kind",
            "director",
            "network",
            "cast_json",
            "runtime_minutes",
            "episodes",
            "country",
            "imdb_id",
            "synopsis",
            "title_norm",
            "original_norm",
            "search_norm",
            "user_edited",
            "rank_key",
            "tear_level",
            "rating",
            "tags_json",
            "watched_undated",
            "note",
            "added_at",
            "updated_at",
        ),
        '\nCREATE TABLE film (\n\tid INTEGER NOT NULL, \n\t"key" VARCHAR, \n\ttitle VARCHAR NOT NULL, \n\toriginal_title VARCHAR, \n\toriginal_language VARCHAR, \n\tyear INTEGER NOT NULL, \n\tkind VARCHAR NOT NULL, \n\tdirector VARCHAR, \n\tnetwork VARCHAR, \n\tcast_json VARCHAR NOT NULL, \n\truntime_minutes INTEGER, \n\tepisodes INTEGER, \n\tcountry VARCHAR, \n\timdb_id VARCHAR, \n\tsynopsis VARCHAR NOT NULL, \n\ttitle_norm VARCHAR NOT NULL, \n\toriginal_norm VARCHAR, \n\tsearch_norm VARCHAR NOT NULL, \n\tuser_edited BOOLEAN NOT NULL, \n\trank_key INTEGER NOT NULL, \n\ttear_level INTEGER, \n\trating FLOAT, \n\ttags_json VARCHAR NOT NULL, \n\twatched_undated BOOLEAN NOT NULL, \n\tnote VARCHAR NOT NULL, \n\tadded_at DATETIME NOT NULL, \n\tupdated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE ("key"), \n\tUNIQUE (rank_key)\n)\n\n',
        (
            "CREATE INDEX ix_film_imdb_id ON film (imdb_id)",
            "CREATE INDEX ix_film_original_norm ON film (original_norm)",
            "CREATE INDEX ix_film_title_norm ON film (title_norm)",
            "CREATE INDEX ix_film_year ON film (year)",
        ),
    ),
    (
        "meta",
        ("key", "value"),
        '\nCREATE TABLE meta (\n\t"key" VARCHAR NOT NULL, \n\tvalue VARCHAR NOT NULL, \n\tPRIMARY KEY ("key")\n)\n\n',
        (),
    ),
    (
        "source",
        ("id", "key", "title", "author", "site"),
        '\nCREATE TABLE source (\n\tid INTEGER NOT NULL, \n\t"key" VARCHAR NOT NULL, \n\ttitle VARCHAR NOT NULL, \n\tauthor VARCHAR, \n\tsite VARCHAR, \n\tPRIMARY KEY (id), \n\tUNIQUE ("key")\n)\n\n',
        (),
    ),
    (
        "relation",
        ("id", "film_id", "kind", "other_id", "note"),
        "\nCREATE TABLE relation (\n\tid INTEGER NOT NULL, \n\tfilm_id INTEGER NOT NULL, \n\tkind VARCHAR NOT NULL, \n\tother_id INTEGER NOT NULL, \n\tnote VARCHAR, \n\tPRIMARY KEY (id), \n\tUNIQUE (film_id, kind, other_id), \n\tFOREIGN KEY(film_id) REFERENCES film (id) ON DELETE CASCADE, \n\tFOREIGN KEY(other_id) REFERENCES film (id) ON DELETE CASCADE\n)\n\n",
        (
            "CREATE INDEX ix_relation_film_id ON relation (film_id)",
            "CREATE INDEX ix_relation_other_id ON relation (other_id)",
        ),
    ),
    (
        "sourcerank",
        ("id", "source_id", "film_id", "rank"),
        "\nCREATE TABLE sourcerank (\n\tid INTEGER NOT NULL, \n\tsource_id INTEGER NOT NULL, \n\tfilm_id INTEGER NOT NULL, \n\trank INTEGER, \n\tPRIMARY KEY (id), \n\tUNIQUE (source_id, film_id), \n\tFOREIGN KEY(source_id) REFERENCES source (id) ON DELETE CASCADE, \n\tFOREIGN KEY(film_id) REFERENCES film (id) ON DELETE CASCADE\n)\n\n",
        ("CREATE INDEX ix_sourcerank_film_id ON sourcerank (film_id)",),
    ),
    (
        "viewing",
        ("id", "film_id", "watched_on"),
        "\nCREATE TABLE viewing (\n\tid INTEGER NOT NULL, \n\tfilm_id INTEGER NOT NULL, \n\twatched_on DATE NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(film_id) REFERENCES film (id) ON DELETE CASCADE\n)\n\n",
        ("CREATE INDEX ix_viewing_film_id ON viewing (film_id)",),
    ),
)

FILM_DEFAULTS: dict[str, Any] = {
    "key": None,
    "original_title": None,
    "original_language": None,
    "kind": "film",
    "director": None,
    "network": None,
    "cast_json": "[]",
    "runtime_minutes": None,
    "episodes": None,
    "country": None,
    "imdb_id": None,
    "synopsis": "",
    "original_norm": None,
    "search_norm": "",
    "user_edited": False,
    "tear_level": None,
    "rating": None,
    "tags_json": "[]",
    "watched_undated": False,
    "note": "",
}
