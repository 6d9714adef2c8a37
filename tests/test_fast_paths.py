"""The import's fast paths give exactly what their plain definitions give, for any text: a
shortcut that drifted would store a title, a search column or a cast list differently from one
entered by hand, and matching would stop finding it."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.search import _ACCENTS, fold
from cryqueue.domain.text import norm, search_columns
from cryqueue.storage import ranking
from cryqueue.storage.fast_read import json_list
from cryqueue.storage.import_matching import Known
from cryqueue.storage.import_writer import _place, _place_among_new, _Run, stretches

# Any text, with the characters the checks care about made likely: controls, line breaks,
# tabs, lone surrogates, Unicode spaces, accents and Hangul.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x00\x1b\t\n\r\x7f\x85\x9f\u00a0\u2028\u3000\ud800é\u0301한 A"),
    ),
    max_size=30,
)


def plain_norm(text: str) -> str:
    text = text.encode("utf-8", "replace").decode("utf-8")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def plain_clean(value: str, multiline: bool) -> str | None:
    """What clean_text accepts, by its rule: no lone surrogates, no controls but tab and
    (multi-line) line breaks; None where it must refuse."""
    bad = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
    if bad.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        return None
    return value


@given(TEXT)
def test_norm_is_nfc_casefolded_with_single_spaces(text: str) -> None:
    assert norm(text) == plain_norm(text)


@given(TEXT)
def test_fold_is_norm_without_latin_accents(text: str) -> None:
    assert fold(text) == norm(text).translate(_ACCENTS)


@given(TEXT, st.booleans())
def test_clean_text_refuses_exactly_controls_and_surrogates(text: str, multiline: bool) -> None:
    expected = plain_clean(text, multiline)
    if expected is None:
        with pytest.raises(UsageError):
            validate.clean_text(text, "the title", multiline=multiline)
    else:
        assert validate.clean_text(text, "the title", multiline=multiline) == expected


@given(st.lists(TEXT, max_size=5))
def test_a_stored_list_is_its_json(values: list[str]) -> None:
    assert json_list(values) == json.dumps(values, ensure_ascii=False)
    assert json.loads(json_list(values)) == values


@given(TEXT.filter(str.strip), st.one_of(st.none(), TEXT), st.lists(TEXT, max_size=3))
def test_search_columns_hold_every_name_normalised(
    title: str, original: str | None, cast: list[str]
) -> None:
    columns = search_columns(title, original, None, None, cast)
    assert columns["title_norm"] == plain_norm(title)
    assert columns["original_norm"] == (plain_norm(original) if original else None)
    names = [title, original or "", *cast]
    assert columns["search_norm"] == "\n".join(plain_norm(n) for n in names if n)


def _keys(conn: sqlite3.Connection) -> dict[int, int]:
    return dict(conn.execute("SELECT id, rank_key FROM film"))


@given(st.lists(st.integers(min_value=1, max_value=30), unique=True, min_size=1))
def test_the_imported_ranking_is_placed_as_one_key_per_film_would(order: list[int]) -> None:
    """`_place` moves stretches of consecutive ids with one statement each; the keys must be
    those of giving the n-th film of the order `base + n * GAP` (base below every key), and
    no other film moves; an order already at the top is left as it is."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE film (id INTEGER PRIMARY KEY, rank_key INTEGER NOT NULL UNIQUE)")
    keys = [(fid, (fid * 7 % 31) * ranking.GAP) for fid in range(1, 31)]  # a shuffled ranking
    conn.executemany("INSERT INTO film VALUES (?, ?)", keys)
    before = _keys(conn)
    at_top = sorted(before, key=before.__getitem__)[: len(order)] == order
    _place(conn, _Run(Known(), 30, 0, dry_run=False), order)
    base = min(before.values()) - len(order) * ranking.GAP
    moved = {fid: base + n * ranking.GAP for n, fid in enumerate(order)}
    assert _keys(conn) == (before if at_top else before | moved)


@given(
    new=st.integers(min_value=0, max_value=12),
    matched=st.lists(st.integers(min_value=1, max_value=10), unique=True),
    places=st.lists(st.integers(min_value=0, max_value=12), min_size=10, max_size=10),
)
def test_films_the_library_had_are_placed_among_a_ranked_import_s_new_ones(
    new: int, matched: list[int], places: list[int]
) -> None:
    """A ranked import writes its new films above the ranking in its order; the films it
    matched then get keys among them. The ranking must read the import's order first, then
    every other film in its old order."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE film (id INTEGER PRIMARY KEY, rank_key INTEGER NOT NULL UNIQUE)")
    old = [(fid, (fid * 7 % 11) * ranking.GAP) for fid in range(1, 11)]  # a shuffled ranking
    first = -(1 << 40)
    added = [(10 + n, first + (n - 1) * ranking.GAP) for n in range(1, new + 1)]
    conn.executemany("INSERT INTO film VALUES (?, ?)", old + added)
    order = [fid for fid, _ in added]
    for fid, place in zip(matched, places, strict=False):
        order.insert(min(place, len(order)), fid)
    before = _keys(conn)
    placed = _place_among_new(conn, _Run(Known(), 10, 0, dry_run=False, staged=True), order)
    if not placed:  # no new film to place them among: the whole order is re-keyed instead
        assert new == 0 and matched and _keys(conn) == before
        return
    ranked = [fid for fid, _ in conn.execute("SELECT id, rank_key FROM film ORDER BY rank_key")]
    rest = sorted(set(before) - set(order), key=before.__getitem__)
    assert ranked == order + rest


@given(st.lists(st.integers(min_value=0, max_value=40), unique=True))
def test_stretches_are_the_runs_of_consecutive_ids(ids: list[int]) -> None:
    parts = list(stretches(ids))
    assert [i for _, first, last in parts for i in range(first, last + 1)] == ids
    assert [place for place, _, _ in parts] == [ids.index(first) for _, first, _ in parts]
    assert all(a[2] + 1 != b[1] for a, b in itertools.pairwise(parts))  # none could be longer
