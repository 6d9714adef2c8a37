"""Modal dialogs: a one-line prompt, a confirmation, the film form and the help screen."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Log, Static

from cryqueue.domain import validate
from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import FilmEntry, FilmFacts
from cryqueue.domain.text import visible
from cryqueue.ui.actions import help_rows
from cryqueue.ui.widgets.answers import Submit, refusal, say_error, shown

T = TypeVar("T")


class AnswerDialog(ModalScreen[T | None]):
    """A dialog answered with its main button or enter in a field, or left with Cancel or
    escape (None). An answer it refuses keeps it open: why, under the fields, and the cursor
    back in the field at fault."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ACCEPT_LABEL = "OK"
    ACCEPT_ID = "ok"
    ERROR_ID = "dialog-error"

    def foot(self) -> ComposeResult:
        """The refusal's line and the buttons, below the fields."""
        with Vertical(classes="dialog-foot"):
            yield Static("", id=self.ERROR_ID, classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ACCEPT_LABEL, variant="primary", id=self.ACCEPT_ID)
                yield Button("Cancel", id="cancel")

    def accept(self) -> None:
        """Check and apply the answer: dismiss with the result, or `refuse`."""
        raise NotImplementedError

    def refuse(self, message: str, field: Input) -> None:
        say_error(self.query_one(f"#{self.ERROR_ID}", Static), message)
        field.focus()

    def on_input_submitted(self) -> None:
        self.accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.ACCEPT_ID:
            self.accept()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(AnswerDialog[str]):
    """Ask for one value. `submit` checks and applies it; an error keeps the dialog open."""

    ERROR_ID = "prompt-error"

    def __init__(
        self, title: str, label: str, value: str = "", submit: Submit | None = None
    ) -> None:
        super().__init__()
        self.title_text, self.label_text, self.value, self.submit = title, label, value, submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(shown(self.title_text), classes="dialog-title")
                yield Label(shown(self.label_text))
                yield Input(value=self.value, id="prompt-input")
            yield from self.foot()

    def accept(self) -> None:
        field = self.query_one("#prompt-input", Input)
        error = refusal(self.submit, field.value)
        if error:
            self.refuse(error, field)
        else:
            self.dismiss(field.value)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; `details` (an import's plan, say) scroll below it, however many."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, details: Sequence[str] = ()) -> None:
        super().__init__()
        self.question, self.details = question, details

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm" + (" with-details" if self.details else "")):
            with VerticalScroll(classes="dialog-body"):
                yield Static(shown(self.question), id="question", classes="dialog-title")
            if self.details:
                yield Log(id="details", classes="dialog-details", auto_scroll=False)
            with Horizontal(classes="dialog-foot dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        if self.details:
            self.call_after_refresh(self._show_details)  # once the log knows its width
        self.query_one("#no", Button).focus()

    def _show_details(self) -> None:
        """A Log draws only the lines on screen (100,000 cost nothing to show) but does not
        wrap: a long line (a skip's reason) is wrapped here, its rest indented."""
        log = self.query_one(Log)
        width = max(log.scrollable_content_region.width - 1, 20)
        lines: list[str] = []
        for line in self.details:
            text = visible(line)
            if len(text) <= width:
                lines.append(text)
            else:
                lines += textwrap.wrap(text, width, subsequent_indent="    ")
        log.write_lines(lines)
        log.scroll_home(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


# The export dialog's boxes: each an ExportOptions field, with what it means to a reader.
EXPORT_BOXES: tuple[tuple[str, str], ...] = (
    ("watched_only", "Only films I have watched"),
    ("notes", "Include my notes (private unless ticked)"),
    ("rating", "Include star ratings"),
    ("tags", "Include tags"),
    ("stats", "Append my statistics"),
)


class ExportDialog(AnswerDialog[Path]):
    """Where to write the Markdown ranking and what it holds: the CLI's export choices."""

    ACCEPT_LABEL = "Export"
    ERROR_ID = "export-error"

    def __init__(
        self,
        path: str,
        options: ExportOptions,
        submit: Callable[[str, ExportOptions], Path],
    ) -> None:
        super().__init__()
        self.path, self.options, self.submit = path, options, submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label("Export your ranking to Markdown", classes="dialog-title")
                yield Label("Save as:")
                yield Input(value=self.path, id="export-path")
                for name, label in EXPORT_BOXES:
                    yield Checkbox(label, getattr(self.options, name), id=f"export-{name}")
            yield from self.foot()

    def chosen(self) -> ExportOptions:
        return ExportOptions(
            **{name: self.query_one(f"#export-{name}", Checkbox).value for name, _ in EXPORT_BOXES}
        )

    def accept(self) -> None:
        field = self.query_one("#export-path", Input)
        if not field.value.strip():
            self.refuse("give a file path", field)
            return
        try:
            written = self.submit(field.value.strip(), self.chosen())
        except CryqueueError as exc:
            self.refuse(str(exc), field)
            return
        self.dismiss(written)


def _names(value: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in value.split(",") if n.strip())


# The form's fields in order, each with the library's own check of it: the first field at fault
# is named and focused (an empty form names the missing title first).
FORM_FIELDS: tuple[tuple[str, str, Callable[[str], object]], ...] = (
    ("title", "Title", validate.title),
    ("year", "Year", validate.year),
    (
        "original_title",
        "Original title",
        partial(validate.optional_text, what="the original title"),
    ),
    ("kind", "Kind (film or series)", lambda value: validate.kind(value.strip() or "film")),
    ("director", "Director", partial(validate.optional_text, what="the director")),
    ("cast", "Cast (comma-separated)", lambda value: validate.cast(_names(value))),
)


class FilmFormDialog(AnswerDialog[FilmEntry]):
    """Add or edit a film. `submit` gets the facts and returns the saved film or raises."""

    ACCEPT_LABEL = "Save"
    ACCEPT_ID = "save"
    ERROR_ID = "form-error"

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
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(shown(self.heading), classes="dialog-title")
                with Grid(classes="form-grid"):
                    for name, label, _check in FORM_FIELDS:
                        yield Label(label)
                        yield Input(value=values[name], id=f"field-{name}", compact=True)
            yield from self.foot()

    def _field(self, name: str) -> Input:
        return self.query_one(f"#field-{name}", Input)

    def _value(self, name: str) -> str:
        return self._field(name).value

    def _fault(self, name: str, message: str) -> None:
        self.refuse(message, self._field(name))

    def accept(self) -> None:
        for name, _label, check in FORM_FIELDS:
            try:
                check(self._value(name))
            except CryqueueError as exc:
                self._fault(name, str(exc))
                return
        facts = FilmFacts(
            title=self._value("title"),
            year=validate.year(self._value("year")),
            original_title=self._value("original_title") or None,
            kind=self._value("kind").strip() or "film",
            director=self._value("director") or None,
            cast=_names(self._value("cast")),
            runtime_minutes=self.start.runtime_minutes if self.start else None,
            synopsis=self.start.synopsis if self.start else "",
            network=self.start.network if self.start else None,
        )
        try:
            saved = self.submit(facts)
        except CryqueueError as exc:  # the library's own refusal, e.g. a film already there
            self._fault("title", str(exc))
            return
        self.dismiss(saved)


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
