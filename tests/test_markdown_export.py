"""The Markdown export: a golden file for a fixed scenario, its structure as CommonMark sees it,
and a property test that any title or note renders as exactly the text the user typed."""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.films import FilmEntry, FilmFacts, Stats
from cryqueue.interop import markdown as markdown_export
from cryqueue.library import Library

GOLDEN = Path(__file__).parent / "golden" / "export.md"
TODAY = date(2026, 1, 1)
NASTY_TITLE = "*Love* & <Tears> #1 [director's_cut] `v2` \\o/"
MIRACLE_NOTE = (
    "Bring *two* boxes of tissues.\n"
    "The daughter's [balloon](http://x) scene <3 & more\n"
    "\n"
    "# not a heading\n"
    "1. not a list\n"
    "- nor this\n"
    "> nor a quote\n"
    "    nor code"
)


def md() -> MarkdownIt:
    return MarkdownIt("commonmark")


def scenario(lib: Library) -> None:
    """The fixed story behind the golden file: every kind of line the export can write."""
    moment = lib.find("A Moment to Remember")
    lib.mark_watched(moment.id, date(2024, 2, 14), tears=5)
    lib.mark_watched(moment.id, date(2025, 2, 14))
    miracle = lib.find("Miracle in Cell No. 7")
    lib.mark_watched(miracle.id, date(2023, 11, 11), tears=4)
    lib.set_note(miracle.id, MIRACLE_NOTE)
    lib.set_tears(lib.find("The Letter").id, 0)
    lib.move_to(lib.find("The Lake House").id, 2)
    own = lib.add_film(FilmFacts(title=NASTY_TITLE, year=2020, original_title="사랑_눈물"))
    lib.mark_watched(own.id, date(2020, 12, 31), tears=3)
    lib.set_note(own.id, "Made it up.")
    lib.remove_film(lib.find("Architecture 101").id)


@pytest.fixture
def exported(library: Library) -> str:
    scenario(library)
    return library.export_markdown(today=TODAY)


def test_matches_the_golden_file(exported: str) -> None:
    """Regenerate after an intended change with CRYQUEUE_UPDATE_GOLDEN=1, then review the diff."""
    if os.environ.get("CRYQUEUE_UPDATE_GOLDEN"):
        GOLDEN.write_text(exported, encoding="utf-8")
    assert exported == GOLDEN.read_text(encoding="utf-8")


def test_cli_export_uses_the_same_renderer(exported: str, cli: Any, library: Library) -> None:
    code, out, _err = cli("export", "-o", "-")
    assert code == 0
    assert out == library.export_markdown()
    # Only the date line depends on the day it runs.
    assert _without_date(out) == _without_date(exported)


def _without_date(text: str) -> str:
    return re.sub(r"Exported from cryqueue on \d{4}-\d\d-\d\d\.", "", text)


def test_one_list_item_per_film_in_ranking_order(exported: str, library: Library) -> None:
    tokens = md().parse(exported)
    lists = [t for t in tokens if t.type in ("ordered_list_open", "bullet_list_open")]
    assert [t.type for t in lists] == ["ordered_list_open"]  # the notes made no lists
    items = [t for t in tokens if t.type == "list_item_open"]
    films = library.films()
    assert len(items) == len(films) == 17
    assert [t.info for t in items] == [str(f.rank) for f in films]

    # Each item's first paragraph opens with the title in bold, as plain text.
    strong_texts = []
    for token in tokens:
        children = [c for c in token.children or [] if c.type != "text" or c.content]
        if token.type == "inline" and children and children[0].type == "strong_open":
            end = next(j for j, c in enumerate(children) if c.type == "strong_close")
            assert {c.type for c in children[1:end]} == {"text"}
            strong_texts.append("".join(c.content for c in children[1:end]))
    assert strong_texts == [f.title for f in films]


def test_header_summary_and_item_lines(exported: str) -> None:
    lines = exported.splitlines()
    assert lines[:6] == [
        "# My tear-jerker ranking",
        "",
        "Exported from cryqueue on 2026-01-01.",
        "",
        "Watched 3 of 17 · average tear level 3.0/5",
        "",
    ]
    assert "   watched 2025-02-14, 2 viewings · 💧💧💧💧💧 5/5" in lines
    assert "   not watched yet · ····· 0/5" in lines  # The Letter: rated 0 but not watched
    assert "    watched 2023-11-11 · 💧💧💧💧· 4/5" in lines  # #11: indented under "11. "
    assert exported.endswith("\n") and not exported.endswith("\n\n")


def test_rendered_html_shows_the_text_as_typed(exported: str) -> None:
    rendered = md().render(exported)
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert NASTY_TITLE in visible
    for line in MIRACLE_NOTE.splitlines():
        if line.strip():
            assert line.strip() in visible
    assert rendered.count("<h1>") == 1
    assert "<em>" not in rendered and "<a " not in rendered and "<code>" not in rendered
    assert rendered.count("<blockquote>") == 2


# Property: arbitrary titles and notes ------------------------------------------------------------

SPECIAL = list("*_[]<>#&`\\!|~{}()-+=.:;'\"/$%^@?, ")
PREFIXES = ["", "1. ", "1) ", "12345. ", "- ", "+ ", "* ", "> ", "# ", "=", "==", "---", "***",
            "    ", "<div>", "[a]: /u", "```", "~~~", "&amp;", "&#35;", "| a |", "\\"]  # fmt: skip
chars = st.one_of(
    st.characters(categories=("L", "M", "N", "P", "S")),
    st.sampled_from(SPECIAL),
)
line = st.builds(lambda p, body: p + body, st.sampled_from(PREFIXES), st.text(chars, max_size=25))


def _valid_title(text: str) -> str:
    try:
        return validate.title(text)
    except UsageError:
        assume(False)
        raise


def _strip(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    title=line,
    original=st.one_of(st.none(), line),
    note_lines=st.lists(st.one_of(line, st.just("")), max_size=6),
    rank=st.sampled_from([1, 9, 10, 100]),
)
def test_any_title_and_note_render_exactly(
    title: str, original: str | None, note_lines: list[str], rank: int
) -> None:
    title = _valid_title(title)
    original = validate.optional_text(original, "the original title") if original else None
    note = validate.note("\n".join(note_lines))
    entry = FilmEntry(
        id=1, rank=rank, title=title, original_title=original, year=2001, note=note, tear_level=2
    )
    text = markdown_export.render([entry], Stats(1, 0, 1, 2.0), TODAY)
    rendered = md().render(text)

    # The title is the whole of the bold part, with no markup inside.
    strong = re.findall(r"<strong>(.*?)</strong>", rendered, flags=re.S)
    assert len(strong) == 1
    assert "<" not in strong[0]
    assert html.unescape(strong[0]) == title
    if original and original != title:
        paragraph = re.search(r"</strong>(.*?)<br />", rendered, flags=re.S)
        assert paragraph is not None
        assert _strip(paragraph.group(1)) == f" — {original} (2001)"

    # One list with one item; the only heading is the document's own.
    assert rendered.count("<li>") == 1
    assert rendered.count("<ol") == 1
    assert len(re.findall(r"<h\d", rendered)) == 1

    # The note is one block quote holding exactly its non-blank lines, as plain text.
    expected = [row.strip() for row in note.splitlines() if row.strip()]
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", rendered, flags=re.S)
    if not expected:
        assert quotes == []
        return
    assert len(quotes) == 1
    assert set(re.findall(r"</?([a-z0-9]+)", quotes[0])) <= {"p", "br"}
    shown = [row.strip() for row in _strip(quotes[0]).splitlines() if row.strip()]
    assert shown == expected


@pytest.mark.parametrize(
    "title",
    [
        "*Love*",
        "<b>bold</b>",
        "1. First",
        "- dash",
        "> quote",
        "# hash",
        "a_b_c",
        "[x](y)",
        "&amp;",
        "\\",
        "`code`",
        "**",
        "=== ",
    ],
)
def test_markup_looking_titles_render_literally(title: str) -> None:
    entry = FilmEntry(id=1, rank=1, title=title.strip(), original_title=None, year=2001)
    rendered = md().render(markdown_export.render([entry], Stats(1, 0, 0, None), TODAY))
    strong = re.findall(r"<strong>(.*?)</strong>", rendered, flags=re.S)
    assert [html.unescape(s) for s in strong] == [title.strip()]
