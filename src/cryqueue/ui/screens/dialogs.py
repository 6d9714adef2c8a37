"""Modal dialogs: a one-line prompt, a confirmation, the film form and the help screen."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.films import FilmEntry, FilmFacts
from cryqueue.domain.text import visible
from cryqueue.ui.actions import help_rows


def shown(text: str) -> Text:
    """Text from anywhere (a file's name, a title, an error quoting a row) as plain text:
    no markup, control characters made visible."""
    return Text(visible(text, lines=True))


# A dialog's submit callback returns an error message to show, or None when it succeeded; a
# CryqueueError it raises is shown the same way.
Submit = Callable[[str], str | None]


class PromptDialog(ModalScreen[str | None]):
    """Ask for one value. `submit` checks and applies it; an error keeps the dialog open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, label: str, value: str = "", submit: Submit | None = None
    ) -> None:
        super().__init__()
        self.title_text, self.label_text, self.value, self.submit = title, label, value, submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(shown(self.title_text), classes="dialog-title")
            yield Label(shown(self.label_text))
            yield Input(value=self.value, id="prompt-input")
            yield Label("", id="prompt-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        self._accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)

    def _accept(self) -> None:
        value = self.query_one("#prompt-input", Input).value
        try:
            error = self.submit(value) if self.submit else None
        except CryqueueError as exc:
            error = str(exc)
        if error:
            self.query_one("#prompt-error", Label).update(shown(error))
        else:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(shown(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


FORM_FIELDS = (
    ("title", "Title"),
    ("year", "Year"),
    ("original_title", "Original title"),
    ("kind", "Kind (film or series)"),
    ("director", "Director"),
    ("cast", "Cast (comma-separated)"),
)


class FilmFormDialog(ModalScreen[FilmEntry | None]):
    """Add or edit a film. `submit` gets the facts and returns the saved film or raises."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, heading: str, submit: Callable[[FilmFacts], FilmEntry], start: FilmEntry | None = None
    ) -> None:
        super().__init__()
        self.heading, self.submit, self.start = heading, submit, start

    def compose(self) -> ComposeResult:
        s = self.start
        values = {
            "title": s.title if s else "",
            "year": str(s.year) if s else "",
            "original_title": (s.original_title or "") if s else "",
            "kind": s.kind if s else "film",
            "director": (s.director or "") if s else "",
            "cast": ", ".join(s.cast) if s else "",
        }
        with Vertical(classes="dialog film-form"):
            yield Label(shown(self.heading), classes="dialog-title")
            with Grid(classes="form-grid"):
                for name, label in FORM_FIELDS:
                    yield Label(label)
                    yield Input(value=values[name], id=f"field-{name}")
            yield Label("", id="form-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value

    def on_input_submitted(self) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        error = self.query_one("#form-error", Label)
        year = self._value("year").strip()
        if not year.isdigit():
            error.update("Year must be a number, like 2004.")
            return
        facts = FilmFacts(
            title=self._value("title"),
            year=int(year),
            original_title=self._value("original_title") or None,
            kind=self._value("kind").strip() or "film",
            director=self._value("director") or None,
            cast=tuple(n.strip() for n in self._value("cast").split(",") if n.strip()),
            runtime_minutes=self.start.runtime_minutes if self.start else None,
            synopsis=self.start.synopsis if self.start else "",
            network=self.start.network if self.start else None,
        )
        try:
            saved = self.submit(facts)
        except CryqueueError as exc:
            error.update(shown(str(exc)))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


HELP_KEYS = help_rows()


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for keys, what in HELP_KEYS:
            table.add_row(keys, what)
        with VerticalScroll(classes="dialog help"):
            yield Label("cryqueue — keys", classes="dialog-title")
            yield Static(table)
            yield Label("Notes are saved as you type. Press escape to close.", classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
