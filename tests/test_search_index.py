"""The lean search index finds exactly what a plain scan of every film finds, tier for tier,
over random titles in Latin with accents, Hangul and both, as a user types a query letter by
letter (which the index answers from its last answers)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cryqueue.domain.search import (
    FINALS,
    HANGUL_FIRST,
    INITIALS,
    SYLLABLES_PER_INITIAL,
    SearchIndex,
    Tier,
    fold,
    is_syllable,
)
from cryqueue.domain.text_blocks import BLOCK, SEP, TextBlocks

Film = tuple[int, str, str | None, str]
WORDS = ["love", "wind", "windy", "letter", "rain", "amélie", "café", "늑대", "소년", "한복"]
PIECES = st.sampled_from([*WORDS, "é", "É", "a", "e", "x", "한", "하", "ㄴ", "ㄷ", "ㅎ", "가"])
TEXT = st.lists(PIECES | st.sampled_from([" ", "  ", SEP, "\n"]), max_size=6).map("".join)
QUERY = st.lists(PIECES | st.just(" "), min_size=1, max_size=4).map("".join)


@st.composite
def films(draw: st.DrawFn) -> list[Film]:
    """Films whose other text sometimes starts with their titles, as the database's does."""
    out = []
    for film_id in range(draw(st.integers(0, BLOCK + 9))):
        title = draw(TEXT)
        original = draw(st.none() | TEXT)
        other = draw(TEXT)
        if draw(st.booleans()):
            other = "\n".join(filter(None, (title, original, other)))
        out.append((1000 + film_id, title, original, other))
    return out


def jamo_hit(query: str, text: str) -> bool:
    """A brute-force reading of the Hangul rule: some stretch of `text` answers the query
    letter for letter, an initial consonant by any syllable it starts, the last syllable
    (without a final) by itself with any final."""

    def answers(q: str, c: str, last: bool) -> bool:
        if q in INITIALS:
            start = HANGUL_FIRST + INITIALS.index(q) * SYLLABLES_PER_INITIAL
            return c == q or start <= ord(c) < start + SYLLABLES_PER_INITIAL
        if last and is_syllable(q) and (ord(q) - HANGUL_FIRST) % FINALS == 0:
            return ord(q) <= ord(c) < ord(q) + FINALS
        return c == q

    query = query.replace(" ", "")
    n = len(query)
    return any(
        all(answers(query[i], text[s + i], i == n - 1) for i in range(n))
        for s in range(len(text) - n + 1)
    )


def near(a: str, b: str) -> bool:
    """At most one edit apart (a letter dropped, added, changed, or two neighbours swapped),
    by the textbook table of edit distances."""
    d = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            change = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, change)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)] <= 1


def reference(films: list[Film], query: str) -> dict[int, Tier]:
    """Each film's tier for `query`, film by film: the rules as the issue states them."""
    q = fold(query)
    if not q:  # nothing typed yet: every film, as it is
        return {film[0]: Tier.SUBSTRING for film in films}
    words = [w for w in re.findall(r"\w+", q) if w.isascii()]
    typo_words = words if words and all(len(w) >= 4 for w in words) else []
    out: dict[int, Tier] = {}
    for film_id, title, original, other in films:
        t, o, rest = fold(title), fold(original or ""), fold(other)
        text = rest if rest.startswith(t) else f"{t}\n{o}\n{rest}"
        compact = (t + o).replace(" ", "")
        title_words = [
            w for w in re.findall(r"\w+", t) if len(w) >= 4 and w.isascii() and w.isalpha()
        ]
        if q in text:
            exact, prefix = q in (t, o), t.startswith(q) or o.startswith(q)
            out[film_id] = Tier.EXACT if exact else Tier.PREFIX if prefix else Tier.SUBSTRING
        elif _hangul_rule_applies(q) and jamo_hit(q, compact):
            out[film_id] = Tier.INITIALS
        elif typo_words and all(any(near(w, v) for v in title_words) for w in typo_words):
            out[film_id] = Tier.TYPO
    return out


def _hangul_rule_applies(q: str) -> bool:
    """Initial consonants count only in a query that has one, or ends in an open syllable."""
    q = q.replace(" ", "")
    last = q[-1] if q else ""
    open_last = bool(last) and is_syllable(last) and (ord(last) - HANGUL_FIRST) % FINALS == 0
    return any(c in INITIALS for c in q) or open_last


@settings(max_examples=examples(120), deadline=None)
@given(films(), st.lists(QUERY, min_size=1, max_size=3))
def test_the_index_finds_what_a_scan_of_every_film_finds(
    library: list[Film], queries: list[str]
) -> None:
    index = SearchIndex.build(library)
    ranked = {film_id: position for position, (film_id, *_rest) in enumerate(library)}
    for query in queries:
        for end in range(1, len(query) + 1):  # typed letter by letter: answers narrow
            typed = query[:end]
            expected = reference(library, typed)
            found = index.matches(typed)
            assert dict(found) == expected, typed
            order = [(tier, ranked[film_id]) for film_id, tier in found]
            assert order == sorted(order), "best tier first, ranking order within a tier"
            plain = {i for i, tier in expected.items() if tier < Tier.INITIALS}
            others = {i for i, tier in expected.items() if tier == Tier.INITIALS}
            typos = {i for i, tier in expected.items() if tier == Tier.TYPO}
            assert set(index.found(typed)) == plain | others | (set() if plain else typos)


@settings(max_examples=examples(60), deadline=None)
@given(
    st.integers(0, 3 * BLOCK).flatmap(
        lambda n: st.lists(st.text("ab가나 \n", max_size=6), min_size=n, max_size=n)
    ),
    st.text("ab가", min_size=1),
)
def test_blocks_hold_and_find_each_text_as_a_list_would(texts: list[str], query: str) -> None:
    blocks = TextBlocks()
    owners = [3 * i + 1 for i in range(len(texts))]
    for text, owner in zip(texts, owners, strict=True):
        blocks.add(text, owner)
    blocks.done()
    having = [owner for text, owner in zip(texts, owners, strict=True) if query in text]
    assert list(blocks.containing(query)) == having
    assert list(blocks.matching(re.compile(re.escape(query)))) == having
    assert [blocks.owned_by(owner) for owner in owners] == texts


def test_a_block_longer_than_two_bytes_can_count() -> None:
    blocks = TextBlocks()
    texts = ["가" * 70_000, "x", "나" * 10, "y"]
    for owner, text in enumerate(texts):
        blocks.add(text, owner)
    blocks.done()
    assert [blocks.owned_by(owner) for owner in range(4)] == texts
    assert list(blocks.containing("나")) == [2]


def test_latin_typed_against_hangul_finds_the_titles_where_they_meet() -> None:
    """Titles keep each Latin stretch as one mark for the Hangul patterns: a query with Latin
    letters in it is checked against the whole titles, so 'e하' finds Love + 하늘, not
    Rain + 하늘."""
    library: list[Film] = [
        (1, "Love", "하늘", ""),
        (2, "Rain", "하늘", ""),
        (3, "Love 하늘", None, ""),
        (4, "Love", None, "하늘"),
    ]
    index = SearchIndex.build(library)
    assert index.matches("e하") == [(1, Tier.INITIALS), (3, Tier.INITIALS)]
    assert index.search("nㅎ") == [2]
    for query in ("e하", "eㅎ", "love하늘", "n하", "ain하", "하", "veㅎㄴ"):
        assert dict(index.matches(query)) == reference(library, query), query
