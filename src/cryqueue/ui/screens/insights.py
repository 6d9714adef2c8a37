"""The statistics screen (S): your viewings and tears in charts drawn in the terminal, from the
library's SQL aggregates (as quick with 100,000 films as with 17). The charts follow the theme
and the terminal's size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from cryqueue.domain.insights import Insights, correlation_words
from cryqueue.domain.wording import counted

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
    BINDINGS = [Binding("escape,q,S", "app.pop_screen", "Back")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.insights = library.insights()

    def compose(self) -> ComposeResult:
        yield Static(summary_text(self.insights), id="insights-summary")
        with Grid(id="charts"):
            yield PlotextPlot(id="by-month")
            yield PlotextPlot(id="tear-levels")
            yield PlotextPlot(id="by-decade")
            yield PlotextPlot(id="directors")
        with Vertical(id="most-tears"):
            yield Static(self._most_tears(), id="most-tears-table")
        yield Footer()

    def _most_tears(self) -> Table:
        table = Table(title="Made you cry most", box=None, expand=True, title_justify="left")
        table.add_column("Film")
        table.add_column("Tears", justify="right")
        for film in self.insights.most_tears:
            table.add_row(f"{film['title']} ({film['year']})", "●" * int(film["tear_level"]))
        if not self.insights.most_tears:
            table.add_row("No tear levels yet: press 0-5 on a film", "")
        return table

    def on_mount(self) -> None:
        data = self.insights
        months = list(data.by_month.items())[-MONTHS_SHOWN:]
        self._bars(
            "by-month", "Viewings per month", [m[2:] for m, _ in months], [n for _, n in months]
        )
        levels = data.tear_levels
        self._bars("tear-levels", "Tear levels (films)", list(levels), list(levels.values()))
        decades = [(d, v["average_tear_level"]) for d, v in data.by_decade.items()]
        shown = [(d, a) for d, a in decades if a is not None]
        self._bars(
            "by-decade", "Average tears by decade", [d for d, _ in shown], [a for _, a in shown]
        )
        directors = data.top_directors[:10]
        self._bars(
            "directors",
            "Average tears, top directors",
            [str(d["director"])[:16] for d in directors],
            [d["average_tear_level"] for d in directors],
            horizontal=True,
        )

    def _bars(
        self,
        chart: str,
        title: str,
        labels: list[str],
        values: list[float],
        horizontal: bool = False,
    ) -> None:
        plot = self.query_one(f"#{chart}", PlotextPlot)
        plt = plot.plt
        plt.title(title)
        if values:
            plt.bar(labels, values, orientation="horizontal" if horizontal else "vertical")
        else:
            plt.text("nothing yet", x=0, y=0)
        plot.refresh()
