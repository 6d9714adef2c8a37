"""The database tables. Catalog facts and the user's own state live side by side on `Film`
so that a list page is one indexed read; seeding only ever writes the catalog columns."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, Integer
from sqlmodel import Field, SQLModel, UniqueConstraint

from cryqueue.storage.schema import APPLICATION_ID, SCHEMA_VERSION  # noqa: F401  (where they are defined)


class Film(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True)  # catalog key; None for the user's own
    title: str
    original_title: str | None = None
    original_language: str | None = None
    year: int = Field(index=True)
    kind: str = "film"  # film | series
    director: str | None = None
    network: str | None = None
    cast_json: str = "[]"
    runtime_minutes: int | None = None
    episodes: int | None = None
    country: str | None = None
    imdb_id: str | None = Field(default=None, index=True)
    synopsis: str = ""
    title_norm: str = Field(index=True)  # casefolded, NFC: for lookups
    original_norm: str | None = Field(default=None, index=True)
    search_norm: str = ""  # title, original title, director, network and cast, normalised
    user_edited: bool = False  # the user changed catalog facts: seeding leaves them alone
    # The user's own state.
    # The gapped ordering key of the personal ranking: 64 bits (a million films spaced by
    # ranking.GAP pass 2**31), which is what SQLite's INTEGER is already.
    rank_key: int = Field(
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), unique=True, nullable=False
        )
    )
    tear_level: int | None = None  # 0 (dry eyes) .. 5 (sobbing); None = unrated
    rating: float | None = (
        None  # stars, 0.5 .. 5 in half steps (Letterboxd's scale); None = unrated
    )
    tags_json: str = "[]"  # the user's tags, lower case, in the order they were given
    watched_undated: bool = False  # watched at least once on a day nobody recorded
    note: str = ""
    added_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Viewing(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    film_id: int = Field(foreign_key="film.id", index=True, ondelete="CASCADE")
    watched_on: date


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    title: str
    author: str | None = None
    site: str | None = None


class SourceRank(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source_id", "film_id"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    film_id: int = Field(foreign_key="film.id", index=True, ondelete="CASCADE")
    rank: int | None = None  # None: mentioned in passing


class Relation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("film_id", "kind", "other_id"),)
    id: int | None = Field(default=None, primary_key=True)
    film_id: int = Field(foreign_key="film.id", index=True, ondelete="CASCADE")
    kind: str  # remake_of | companion_of
    other_id: int = Field(foreign_key="film.id", index=True, ondelete="CASCADE")
    note: str | None = None


class DismissedCatalogFilm(SQLModel, table=True):
    """A catalog film the user removed: catalog upgrades must not bring it back."""

    key: str = Field(primary_key=True)


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str
