"""The details pane: everything known about the highlighted film, rendered as plain Rich text
so that titles and synopses are shown literally (no markup)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..entries import FilmDetails, tear_scale


def render_details(details: FilmDetails) -> RenderableType:
    e = details.entry
    heading = Text(e.title, style="bold")
    if e.original_title and e.original_title != e.title:
        heading.append("\n" + e.original_title, style="italic")
    made_by = []
    if e.network:
        made_by.append(e.network)
    if e.director:
        made_by.append(f"directed by {e.director}")
    facts = [str(e.year), e.kind, *made_by]
    if e.runtime_minutes:
        facts.append(f"{e.runtime_minutes} min")
    if e.episodes:
        facts.append(f"{e.episodes} episodes")
    parts: list[RenderableType] = [heading, Text(" · ".join(facts), style="dim")]
    if e.cast:
        parts.append(Text("with " + ", ".join(e.cast)))
    parts.append(Text())
    state = Text()
    state.append(f"#{e.rank} in your ranking\n", style="bold")
    if e.viewings:
        dates = ", ".join(d.isoformat() for d in e.viewings)
        state.append(f"Watched {len(e.viewings)}× — {dates}\n", style="green")
    else:
        state.append("Not watched yet\n", style="dim")
    if e.tear_level is None:
        state.append("Tears: not rated", style="dim")
    else:
        state.append(f"Tears: {tear_scale(e.tear_level)} {e.tear_level}/5")
    parts.append(state)
    if e.synopsis:
        parts += [Text(), Text(e.synopsis)]
    if details.sources:
        lists = Text("\nOn the lists\n", style="bold")
        for place in details.sources:
            where = f"#{place.rank}" if place.rank is not None else "mentioned"
            lists.append(f"  {where:>9}  {place.source}\n")
        parts.append(lists)
    if details.related:
        related = Text("Related\n", style="bold")
        for rel in details.related:
            related.append(f"  {rel.label} {rel.title} ({rel.year})\n")
            if rel.note:
                related.append(f"    {rel.note}\n", style="dim")
        parts.append(related)
    return Group(*parts)


class DetailsPane(VerticalScroll, can_focus=False):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("No film selected", style="dim"), id="details-body")

    def show(self, details: FilmDetails | None) -> None:
        body = self.query_one("#details-body", Static)
        if details is None:
            body.update(Text("No film matches. Press escape to clear the filter.", style="dim"))
        else:
            body.update(render_details(details))
        self.scroll_home(animate=False)
