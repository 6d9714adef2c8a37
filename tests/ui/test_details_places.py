"""The details pane's "On the lists" rows draw what a Rich grid draws (right-aligned places,
each list's name wrapped beside its place), at a fraction of the grid's cost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.table import Table

from conftest import examples
from cryqueue.ui.widgets.details import Places

LABELS = st.one_of(st.just("named"), st.integers(1, 120).map(lambda n: f"#{n}"))
WORDS = st.text(st.sampled_from("abcdefgh 가나다ÉX-"), min_size=1, max_size=60).filter(
    lambda text: text.strip() != ""
)


def _drawn(renderable: RenderableType, width: int) -> list[list[tuple[str, str]]]:
    """Each line's runs of text and style, as a terminal would show them."""
    console = Console(width=200, color_system="truecolor", legacy_windows=False)
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    return [[(s.text, str(s.style)) for s in Segment.simplify(line)] for line in lines]


def _grid(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(justify="right", style="bold", no_wrap=True)
    grid.add_column()
    for label, source in rows:
        grid.add_row(label, source)
    return grid


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(LABELS, WORDS), min_size=1, max_size=4), st.integers(12, 100))
def test_places_draw_as_a_grid_would(rows: list[tuple[str, str]], width: int) -> None:
    assert _drawn(Places(rows), width) == _drawn(_grid(rows), width)


def test_a_long_list_name_wraps_beside_its_place() -> None:
    rows = [("#1", "These Korean Movies Will Make You Cry Your Eyes Out"), ("named", "Top 5")]
    text = ["".join(t for t, _ in line).rstrip() for line in _drawn(Places(rows), 30)]
    assert text == [
        "   #1 These Korean Movies Will",
        "      Make You Cry Your Eyes",
        "      Out",
        "named Top 5",
    ]
