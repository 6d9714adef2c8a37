"""The statistics screen (S): your viewings and tears in charts drawn in the terminal, from the
library's SQL aggregates (as quick with 100,000 films as with 17). The charts follow the theme
and the terminal's size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.films import TEAR_MAX
from cryqueue.domain.insights import Insights, correlation_words
from cryqueue.domain.wording import counted
from cryqueue.ui.actions import bindings
from cryqueue.ui.widgets.calm_footer import CalmFooter

if TYPE_CHECKING:
    from cryqueue.library import Library

MONTHS_SHOWN = 24  # the last two years of viewings


def summary_text(insights: Insights) -> str:
    tears = insights.average_tear_level
    average = f"average tear level {tears:.1f}" if tears is not None else "no tear levels yet"
    return (
        f"{counted(insights.films, 'film')} · {insights.watched:,} watched · "
        f"{counted(insights.viewings, 'viewing')} · {counted(insights.rewatches, 'rewatch', 'rewatches')}"
        f" · {average} (watched films)\n{correlation_words(insights.consensus_correlation)}"
    )


class InsightsScreen(Screen[None]):
    BINDINGS = bindings("insights")

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        yield Static(" Counting…", id="insights-summary")
        with Grid(id="charts"):
            yield PlotextPlot(id="by-month")
            yield PlotextPlot(id="tear-levels")
            yield PlotextPlot(id="by-decade")
            yield PlotextPlot(id="directors")
        with Vertical(id="most-tears"):
            yield Static("", id="most-tears-table")
        yield CalmFooter()

    @staticmethod
    def _most_tears(data: Insights) -> Table:
        table = Table(title="Made you cry most", box=None, expand=True, title_justify="left")
        table.add_column("Film")
        table.add_column("Tears", justify="right")
        for film in data.most_tears:
            table.add_row(f"{film['title']} ({film['year']})", "●" * int(film["tear_level"]))
        if not data.most_tears:
            table.add_row("No tear levels yet: press 0-5 on a film", "")
        return table

    def on_mount(self) -> None:
        self._count()

    @work(thread=True, exclusive=True, description="count the statistics")
    def _count(self) -> None:
        try:
            data = self.library.insights()
        except CryqueueError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=6)
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: Insights) -> None:
        self.query_one("#insights-summary", Static).update(summary_text(data))
        self.query_one("#most-tears-table", Static).update(self._most_tears(data))
        months = list(data.by_month.items())[-MONTHS_SHOWN:]
        self._bars(
            "by-month", "Viewings per month", [m[2:] for m, _ in months], [n for _, n in months]
        )
        levels = data.tear_levels
        self._bars("tear-levels", "Tear levels (films)", list(levels), list(levels.values()))
        decades = [(d, v["average_tear_level"]) for d, v in data.by_decade.items()]
        shown = [(d, a) for d, a in decades if a is not None]
        self._bars(
            "by-decade",
            "Average tears by decade",
            [d for d, _ in shown],
            [a for _, a in shown],
            scale=TEAR_MAX,
        )
        directors = data.top_directors[:10]
        self._bars(
            "directors",
            "Average tears, top directors",
            [str(d["director"])[:16] for d in directors],
            [d["average_tear_level"] for d in directors],
            horizontal=True,
            scale=TEAR_MAX,
        )

    def _bars(
        self,
        chart: str,
        title: str,
        labels: list[str],
        values: list[float],
        horizontal: bool = False,
        scale: float | None = None,
    ) -> None:
        """A bar chart from zero to `scale` (tear levels' own 0-5), else to its tallest bar."""
        plot = self.query_one(f"#{chart}", PlotextPlot)
        plt = plot.plt
        plt.title(title)
        if values:
            plt.bar(labels, values, orientation="horizontal" if horizontal else "vertical")
            # From zero, so a short chart never shows a negative axis or a bar as tall as
            # another twice its size.
            top = scale if scale is not None else max(max(values), 1)
            (plt.xlim if horizontal else plt.ylim)(0, top)
        else:
            plt.text("nothing yet", x=0, y=0)
        plot.refresh()
