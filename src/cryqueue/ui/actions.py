"""Every key of the app, declared once: its action, footer label, command-palette entry and the
help screen's row are all derived from this table (before, each was written three times and the
palette had drifted).

`where` says where a key applies: "list" keys work while the ranked list has the focus and act
on the highlighted film (the main screen's actions); "screen" keys work anywhere on the main
screen; "app" keys work on every screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from textual.binding import Binding

Where = Literal["app", "screen", "list", "nav", "diary", "insights"]


@dataclass(frozen=True)
class Command:
    """One action and the keys bound to it."""

    action: str  # a screen or app action ("tears(3)"), or the list's own ("cursor(1)")
    keys: str  # Textual key names, comma-separated
    footer: str  # the footer's label
    palette: tuple[str, str] | None = None  # (title, help) in the command palette
    where: Where = "list"
    show: bool = False  # in the footer
    key_display: str | None = None
    priority: bool = False

    @property
    def local(self) -> bool:
        """The list widget's own action (moving the highlight), bound on each list."""
        return self.where == "nav"

    def binding(self) -> Binding:
        action = f"screen.{self.action}" if self.where == "list" else self.action
        return Binding(
            self.keys,
            action,
            self.footer,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
        )


@dataclass(frozen=True)
class HelpRow:
    """One row of the help screen: how its keys read, what they do, and their commands."""

    keys: str
    text: str
    commands: tuple[Command, ...] = field(default=())


def _tears(level: int) -> Command:
    return Command(
        f"tears({level})",
        str(level),
        "Tears" if level == 0 else f"Tears {level}",
        (f"Tear level {level}", f"Set the highlighted film's tear level to {level}"),
        show=level == 0,
        key_display="0-5" if level == 0 else None,
    )


HELP: tuple[HelpRow, ...] = (
    HelpRow(
        "↑ ↓  k j  home end  pgup pgdn",
        "move the highlight",
        (
            Command("cursor(-1)", "up,k", "Up", where="nav"),
            Command("cursor(1)", "down,j", "Down", where="nav"),
            Command("page(-1)", "pageup", "Page up", where="nav"),
            Command("page(1)", "pagedown", "Page down", where="nav"),
            Command("jump(0)", "home", "First", where="nav"),
            Command("jump(-1)", "end", "Last", where="nav"),
        ),
    ),
    HelpRow(
        "w  space",
        "toggle watched (today)",
        (
            Command(
                "toggle_watched",
                "w,space",
                "Watched",
                ("Toggle watched", "Mark the highlighted film watched today, or not watched"),
                show=True,
            ),
        ),
    ),
    HelpRow(
        "W",
        "watched on another date…",
        (
            Command(
                "watched_on",
                "W",
                "Watched on…",
                ("Watched on a date…", "Log a viewing on another day"),
            ),
        ),
    ),
    HelpRow("0 – 5", "tear level (0 dry eyes … 5 sobbing)", tuple(_tears(n) for n in range(6))),
    HelpRow(
        "-",
        "clear the tear level",
        (
            Command(
                "tears(-1)",
                "minus",
                "Clear tears",
                ("Clear tear level", "Mark the tear level as not rated"),
            ),
        ),
    ),
    HelpRow(
        "r",
        "star rating (0.5 – 5)…",
        (Command("rate", "r", "Rate…", ("Rate…", "Give the film a star rating, 0.5 to 5")),),
    ),
    HelpRow(
        "#",
        "edit tags… (filter with /#tag)",
        (
            Command(
                "edit_tags",
                "number_sign",
                "Tags…",
                ("Edit tags…", "Change the highlighted film's tags"),
                show=True,
                key_display="#",
            ),
        ),
    ),
    HelpRow(
        "shift+↑ shift+↓  K J",
        "move the film up / down your ranking",
        (
            Command(
                "move(-1)",
                "shift+up,K",
                "Move up",
                ("Move up", "Move the film one place up your ranking"),
                show=True,
                key_display="⇧↑",
            ),
            Command(
                "move(1)",
                "shift+down,J",
                "Move down",
                ("Move down", "Move the film one place down your ranking"),
                show=True,
                key_display="⇧↓",
            ),
        ),
    ),
    HelpRow(
        "t  b",
        "move the film to the top / bottom",
        (
            Command("move_top", "t", "Top", ("Move to top", "Move the film to #1")),
            Command(
                "move_bottom",
                "b",
                "Bottom",
                ("Move to bottom", "Move the film to the end of your ranking"),
            ),
        ),
    ),
    HelpRow(
        "m",
        "move the film to a position…",
        (
            Command(
                "move_to", "m", "Move to…", ("Move to position…", "Move the film to a given place")
            ),
        ),
    ),
    HelpRow(
        "n  enter",
        "edit notes (escape returns to the list)",
        (
            Command(
                "edit_note",
                "n,enter",
                "Notes",
                ("Edit notes", "Write notes about the highlighted film"),
                show=True,
            ),
        ),
    ),
    HelpRow(
        "d",
        "diary: every viewing, newest first",
        (
            Command(
                "diary",
                "d",
                "Diary",
                ("Diary", "Every viewing, newest first, by month"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "  enter  e  delete  a",
        "in the diary: go to the film / change the date / forget / add a viewing",
        (
            Command("go_to_film", "enter", "Go to film", where="diary", show=True),
            Command("edit_day", "e", "Change date", where="diary", show=True),
            Command("forget_viewing", "delete", "Forget", where="diary", show=True),
            Command("add_viewing", "a", "Add viewing", where="diary", show=True),
            Command("undo", "ctrl+z", "Undo", where="diary"),
            Command("app.pop_screen", "escape,d,q", "Back", where="diary", show=True),
        ),
    ),
    HelpRow(
        "S",
        "statistics: your crying in charts",
        (
            Command(
                "insights",
                "S",
                "Stats",
                ("Statistics", "Charts of your viewings, tears and ranking"),
                where="screen",
            ),
        ),
    ),
    HelpRow(
        "  escape  q  S",
        "in the statistics: back to the list",
        (Command("app.pop_screen", "escape,q,S", "Back", where="insights", show=True),),
    ),
    HelpRow(
        "p",
        "notes: rendered as Markdown / the editor",
        (
            Command(
                "toggle_preview",
                "p",
                "Preview",
                ("Preview notes", "Show the notes rendered as Markdown, or the editor again"),
                where="screen",
            ),
        ),
    ),
    HelpRow(
        "/",
        "filter as you type (escape clears)",
        (
            Command(
                "search",
                "slash",
                "Filter",
                ("Filter", "Filter the list as you type"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "f",
        "view: all / to watch / watched",
        (
            Command(
                "cycle_view",
                "f",
                "View",
                ("Cycle view", "All films / to watch / watched"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "s",
        "sort: my ranking / list consensus / year / tear level",
        (
            Command(
                "cycle_sort",
                "s",
                "Sort",
                ("Cycle sort", "My ranking / list consensus / year / tear level"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "a  e  delete",
        "add / edit / remove a film",
        (
            Command(
                "add_film",
                "a",
                "Add",
                ("Add a film", "Add your own film"),
                where="screen",
                show=True,
            ),
            Command("edit_film", "e", "Edit", ("Edit film", "Edit the highlighted film's facts")),
            Command(
                "remove_film", "delete", "Remove", ("Remove film", "Remove the highlighted film")
            ),
        ),
    ),
    HelpRow(
        "x",
        "export the ranking to Markdown…",
        (
            Command(
                "export",
                "x",
                "Export",
                ("Export to Markdown", "Write your ranking to a Markdown file"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "i",
        "import from cryqueue, Letterboxd or IMDb…",
        (
            Command(
                "import_file",
                "i",
                "Import",
                ("Import…", "Import a cryqueue, Letterboxd or IMDb file"),
                where="screen",
                show=True,
            ),
        ),
    ),
    HelpRow(
        "ctrl+z  ctrl+y",
        "undo / redo",
        (
            Command("undo", "ctrl+z", "Undo", ("Undo", "Undo the last change"), "screen", True),
            Command("redo", "ctrl+y", "Redo", ("Redo", "Redo what was undone"), "screen"),
        ),
    ),
    HelpRow(
        "ctrl+r",
        "read the library again (another cryqueue's changes show by themselves)",
        (
            Command(
                "reload",
                "ctrl+r",
                "Reload",
                ("Reload", "Read the library again, with other cryqueues' changes"),
                "screen",
            ),
        ),
    ),
    HelpRow("ctrl+p", "command palette"),  # Textual's own
    HelpRow(
        "?",
        "this help",
        (
            Command(
                "app.help",
                "question_mark",
                "Help",
                ("Help", "Show all keys"),
                "screen",
                True,
                key_display="?",
            ),
        ),
    ),
    HelpRow(
        "q  ctrl+q",
        "quit",
        (
            Command("app.quit", "q", "Quit", where="screen", show=True),
            Command("quit", "ctrl+q", "Quit", where="app", priority=True),
        ),
    ),
)

COMMANDS: tuple[Command, ...] = tuple(c for row in HELP for c in row.commands)


BindingType = Binding | tuple[str, str] | tuple[str, str, str]  # what Textual's BINDINGS hold


def bindings(*wheres: Where) -> list[BindingType]:
    """The bindings of the keys that apply in any of `wheres`, in the table's order."""
    return [c.binding() for c in COMMANDS if c.where in wheres]


# The footer shows these first, in this order, so that a narrow terminal still shows how to get
# help and quit and the keys a newcomer needs; the other shown keys follow in the table's order.
FOOTER_FIRST = (
    "help",
    "quit",
    "toggle_watched",
    "tears(0)",
    "edit_note",
    "search",
    "add_film",
)


def footer_place(action: str) -> int:
    """Where a bound action (with or without its `app.`/`screen.` namespace) goes in the footer."""
    name = action.rpartition(".")[2]
    return FOOTER_FIRST.index(name) if name in FOOTER_FIRST else len(FOOTER_FIRST)


def palette() -> list[Command]:
    """Every command the palette offers."""
    return [c for c in COMMANDS if c.palette is not None]


def help_rows() -> list[tuple[str, str]]:
    return [(row.keys, row.text) for row in HELP]
