"""The Markdown export: golden files for a fixed scenario, its structure as CommonMark sees it,
and property tests that any title renders as typed, any note as its own Markdown without raw
HTML and inside its item, and any watched subset with each film's own rank."""

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

from conftest import examples
from cryqueue.domain import validate
from cryqueue.domain.errors import UsageError
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import FilmEntry, FilmFacts, Stats, tear_scale
from cryqueue.interop import markdown as markdown_export
from cryqueue.library import Library

GOLDEN = Path(__file__).parent / "golden" / "export.md"
GOLDEN_EVERYTHING = Path(__file__).parent / "golden" / "export-watched-everything.md"
EVERYTHING = ExportOptions(watched_only=True, notes=True, rating=True, tags=True)
WITH_NOTES = ExportOptions(notes=True)
TODAY = date(2026, 1, 1)
NASTY_TITLE = "*Love* & <Tears> #1 [director's_cut] `v2` \\o/"
MIRACLE_NOTE = (
    "Bring *two* boxes of tissues.\n"
    "The daughter's [balloon](http://x) scene <3 & <b>more</b>\n"
    "\n"
    "# The scene\n"
    "1. the balloon\n"
    "- the letter\n"
    "> her words\n"
    "\n"
    "```\n"
    "<i>sobbing</i>"
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
    lib.swap_rating(moment.id, 4.5)
    lib.set_tags(moment.id, ["rainy-day", "*sad*"])
    lib.set_tags(lib.find("Il Mare").id, ["mailbox"])  # not watched: not in the watched export
    lib.remove_film(lib.find("Architecture 101").id)


@pytest.fixture
def exported(library: Library) -> str:
    scenario(library)
    return library.export_markdown(today=TODAY)


@pytest.mark.parametrize(
    ("golden", "options"), [(GOLDEN, ExportOptions()), (GOLDEN_EVERYTHING, EVERYTHING)]
)
def test_matches_the_golden_file(library: Library, golden: Path, options: ExportOptions) -> None:
    """Regenerate after an intended change with CRYQUEUE_UPDATE_GOLDEN=1, then review the diff."""
    scenario(library)
    text = library.export_markdown(options, today=TODAY)
    if os.environ.get("CRYQUEUE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("flags", "options"),
    [
        ((), ExportOptions()),
        (
            ("--watched-only", "--include-notes", "--include-rating", "--include-tags"),
            EVERYTHING,
        ),
        (("--include-notes",), WITH_NOTES),
    ],
)
def test_cli_export_uses_the_same_renderer(
    cli: Any, library: Library, flags: tuple[str, ...], options: ExportOptions
) -> None:
    scenario(library)
    code, out, _err = cli("export", "-o", "-", *flags)
    assert code == 0
    assert out == library.export_markdown(options)
    # Only the date line depends on the day it runs.
    assert without_date(out) == without_date(library.export_markdown(options, today=TODAY))


def without_date(text: str) -> str:
    """An export without the day it was made (which changes if a test runs over midnight)."""
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
        "Watched 3 of 17 · average tear level 4.0/5",  # 5, 4 and 3: The Letter's 0 is unwatched
        "",
    ]
    assert "   watched 2025-02-14, 2 viewings · ●●●●● 5/5" in lines
    assert "   not watched yet · ○○○○○ 0/5" in lines  # The Letter: rated 0 but not watched
    assert "    watched 2023-11-11 · ●●●●○ 4/5" in lines  # #11: indented under "11. "
    assert exported.endswith("\n") and not exported.endswith("\n\n")


def test_the_tear_scale_is_the_apps(exported: str) -> None:
    """One scale, of single-width symbols, as the app and the CLI draw it."""
    for level in (0, 3, 4, 5):  # the levels the scenario gives
        assert f" · {tear_scale(level)} {level}/5" in exported
    assert "💧" not in exported and "·····" not in exported


def test_notes_ratings_and_tags_only_when_asked(library: Library, cli: Any) -> None:
    scenario(library)
    default = library.export_markdown()
    for private in ("tissues", "Made it up", "4.5★", "rainy", "mailbox"):
        assert private not in default
    _code, out, _err = cli("export", "-o", "-")
    assert "tissues" not in out and "Made it up" not in out
    everything = library.export_markdown(
        ExportOptions(notes=True, rating=True, tags=True), today=TODAY
    )
    assert (
        "   watched 2025-02-14, 2 viewings · ●●●●● 5/5 · rated 4.5★ · \\#rainy-day \\#\\*sad\\*"
        in (everything.splitlines())
    )
    assert "mailbox" in everything and "> Made it up." in everything
    rendered = md().render(everything)
    assert "· rated 4.5★ · #rainy-day #*sad*</p>" in html.unescape(rendered)
    rating_only = library.export_markdown(ExportOptions(rating=True))
    assert "rated 4.5★" in rating_only and "rainy" not in rating_only


def test_rendered_html_shows_the_title_as_typed_and_the_note_as_markdown(library: Library) -> None:
    scenario(library)
    rendered = md().render(library.export_markdown(WITH_NOTES, today=TODAY))
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert NASTY_TITLE in visible
    miracle = _item_html(rendered, "Miracle in Cell No. 7")
    assert "<em>two</em>" in miracle and '<a href="http://x">balloon</a>' in miracle
    assert "<h1>The scene</h1>" in miracle and "<ol>" in miracle and "<ul>" in miracle
    # Raw HTML shows as typed, in text and in code, even with a renderer that allows HTML.
    assert "scene &lt;3 &amp; &lt;b&gt;more&lt;/b&gt;" in miracle
    assert "<pre><code>&lt;i&gt;sobbing&lt;/i&gt;\n</code></pre>" in miracle
    assert "<b>" not in rendered and "<i>" not in rendered
    # The unclosed fence ended with the item: the next film is an item of the ranking.
    assert "<strong>Windstruck</strong>" not in miracle
    assert rendered.count("<h1>") == 2  # the document's own and the note's


def _item_html(rendered: str, title: str) -> str:
    """The rendered list item of the film with this title."""
    start = rendered.index(f"<strong>{title}</strong>")
    start = rendered.rindex("<li>", 0, start)
    depth, at = 0, start
    for tag in re.finditer(r"<(/?)li>", rendered[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            at = start + tag.end()
            break
    return rendered[start:at]


def _quoted(item: str) -> str:
    """What the outermost quote of a rendered item holds."""
    return item[item.index("<blockquote>") + 12 : item.rindex("</blockquote>")].removeprefix("\n")


# Ranks as numbers shown --------------------------------------------------------------------------


def shown_numbers(markdown: str) -> list[int]:
    """The number a CommonMark renderer shows for each item of the ranking (the top-level
    lists): a list counts up from its first item's number, whatever the later items say."""
    numbers: list[int] = []
    start = 1
    for token in md().parse(markdown):
        if token.level != 0 and not (token.level == 1 and token.type == "list_item_open"):
            continue
        if token.type == "ordered_list_open":
            start = int(token.attrs.get("start", 1))
        elif token.type == "list_item_open":
            numbers.append(start)
            start += 1
    return numbers


def test_a_watched_only_export_shows_each_films_rank(library: Library, cli: Any) -> None:
    scenario(library)
    watched = library.films("watched")
    assert [f.rank for f in watched] == [1, 11, 17]
    _code, out, _err = cli("export", "--watched-only", "--include-notes", "-o", "-")
    assert shown_numbers(out) == [1, 11, 17]
    assert re.findall(r"^\d+[.)] ", out, flags=re.M) == ["1. ", "11) ", "17. "]
    lists = [t for t in md().parse(out) if t.type == "ordered_list_open" and t.level == 0]
    assert [t.attrs.get("start") for t in lists] == [None, 11, 17]
    everything = library.export_markdown()
    assert shown_numbers(everything) == [f.rank for f in library.films()]
    assert md().render(everything).count("<ol") == 1  # consecutive ranks: one list


@settings(max_examples=examples(150), deadline=None, database=None)
@given(
    ranks=st.lists(st.integers(1, 120), unique=True, max_size=40).map(sorted), notes=st.booleans()
)
def test_any_subset_shows_its_ranks(ranks: list[int], notes: bool) -> None:
    entries = [
        FilmEntry(id=r, rank=r, title=f"Film {r}", original_title=None, year=2001, note="1. x")
        for r in ranks
    ]
    text = markdown_export.render(
        entries, Stats(len(ranks), 0, 0, None), TODAY, ExportOptions(notes=notes)
    )
    assert shown_numbers(text) == ranks


# Property: arbitrary titles and notes ------------------------------------------------------------

SPECIAL = list("*_[]<>#&`\\!|~{}()-+=.:;'\"/$%^@?, ")
PREFIXES = ["", "1. ", "1) ", "12345. ", "- ", "+ ", "* ", "> ", "# ", "=", "==", "---", "***",
            "    ", "<div>", "[a]: /u", "```", "~~~", "&amp;", "&#35;", "| a |", "\\"]  # fmt: skip
HTML_BITS = ["<b>", "</b>", "<div>", "</div>", "<!--", "-->", "<?x", "<!X", "<![CDATA[", "<pre>",
             "<script>", "<a href='`'>", "<http://x.y>", "<me@x.y>", "`", "``", "\\`", "<i>`</i>",
             "](<b>)", "[l](<u v>)", "<", "<3"]  # fmt: skip
chars = st.one_of(
    st.characters(categories=("L", "M", "N", "P", "S")),
    st.sampled_from(SPECIAL),
)
line = st.builds(lambda p, body: p + body, st.sampled_from(PREFIXES), st.text(chars, max_size=25))
note_line = st.builds(
    lambda p, parts: p + "".join(parts),
    st.sampled_from(PREFIXES + HTML_BITS),
    st.lists(st.one_of(st.text(chars, max_size=6), st.sampled_from(HTML_BITS)), max_size=6),
)


def _valid_title(text: str) -> str:
    try:
        return validate.title(text)
    except UsageError:
        assume(False)
        raise


def _strip(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@settings(
    max_examples=examples(100),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    title=line,
    original=st.one_of(st.none(), line),
    rank=st.sampled_from([1, 9, 10, 100]),
)
def test_any_title_renders_exactly(title: str, original: str | None, rank: int) -> None:
    title = _valid_title(title)
    original = validate.optional_text(original, "the original title") if original else None
    entry = FilmEntry(
        id=1, rank=rank, title=title, original_title=original, year=2001, tear_level=2
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


@settings(
    max_examples=examples(300),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    note_lines=st.lists(st.one_of(note_line, st.just("")), min_size=1, max_size=8),
    rank=st.sampled_from([1, 9, 10, 100]),
)
def test_any_note_renders_as_its_markdown_without_html_inside_its_item(
    note_lines: list[str], rank: int
) -> None:
    while note_lines and not note_lines[0].strip(" "):  # no blank lines around: trimmed
        note_lines.pop(0)  # here rather than filtered, which drew too few examples
    while note_lines and not note_lines[-1].strip(" "):
        note_lines.pop()
    assume(note_lines)
    note = validate.note("\n".join(note_lines))
    assume(note.strip(" \n"))
    entries = [
        FilmEntry(id=1, rank=rank, title="First", original_title=None, year=2001, note=note),
        FilmEntry(id=2, rank=rank + 1, title="Next", original_title=None, year=2002),
    ]
    text = markdown_export.render(entries, Stats(2, 0, 0, None), TODAY, WITH_NOTES)
    tokens = md().parse(text)

    # No raw HTML, though the renderer allows it; both films are items of the one ranking.
    assert not [t for t in tokens if t.type.startswith("html")]
    assert [t.info for t in tokens if t.type == "list_item_open" and t.level == 1] == [
        str(rank),
        str(rank + 1),
    ]
    assert shown_numbers(text) == [rank, rank + 1]
    # The note is the quote in the first item: it renders as it would alone without HTML, or
    # (when that cannot be made sure of) as plain text, line for line.
    rendered = md().render(text)
    first = _item_html(rendered, "First")
    assert "<strong>Next</strong>" not in first
    quote = _quoted(first)
    alone = MarkdownIt("commonmark", {"html": False}).render(note + "\n")
    if quote != alone:
        rows = [row.strip() for row in note.split("\n") if row.strip()]
        assert [row.strip() for row in _strip(quote).split("\n") if row.strip()] == rows


@pytest.mark.parametrize(
    "note",
    [
        "# A heading",
        "1. a list",
        "```\nunclosed fence",
        "```\n<b>code</b>\n```\nafter",
        "<div>\n*block*\n</div>",
        "<!-- never closed",
        "    indented code <b>",
        "\tcode after a tab",
        "text\n\tcode? no: a continuation",
        "- a\n\n  <b>in</b> the item",
        "> quote\n<script>alert(1)</script>",
        "`<b>` and <b>bold</b> and <http://x.y>",
        "para\r\nwith CRLF <i>x</i>",
        "[a]: <http://x>\n\n[a]",
    ],
)
def test_a_note_stays_in_its_item_and_shows_html_as_text(note: str) -> None:
    entries = [
        FilmEntry(id=1, rank=3, title="First", original_title=None, year=2001, note=note),
        FilmEntry(id=2, rank=4, title="Next", original_title=None, year=2002),
    ]
    text = markdown_export.render(entries, Stats(2, 0, 0, None), TODAY, WITH_NOTES)
    tokens = md().parse(text)
    assert not [t for t in tokens if t.type.startswith("html")]
    assert shown_numbers(text) == [3, 4]
    rendered = md().render(text)
    first = _item_html(rendered, "First")
    quote = _quoted(first)
    plain = note.replace("\r\n", "\n").expandtabs(4)
    assert quote == MarkdownIt("commonmark", {"html": False}).render(plain + "\n")


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
