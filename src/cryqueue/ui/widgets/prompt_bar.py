"""A one-line question about the highlighted film (its stars, tags, place, day watched),
asked in the footer's row. A modal dialog cost some 350 ms of CPU to build and paint over
a 100,000-film screen for each question; the bar is built once and swapped for the footer,
so asking repaints one row and nothing else moves."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static

from cryqueue.ui.widgets.answers import Submit, refusal, say_error, shown
from cryqueue.ui.widgets.line_input import LineInput


class PromptBar(Vertical):
    """Ask with `ask`; enter hands the answer to its `submit` (an error keeps the bar open,
    shown under it), escape or leaving the bar cancels. Focus goes back where it was."""

    DEFAULT_CSS = """
    PromptBar { dock: bottom; height: auto; max-height: 8; display: none; }
    PromptBar > Horizontal { height: 1; padding: 0 1; }
    PromptBar #prompt-label {
        color: $accent; text-style: bold; padding-right: 1; max-width: 70%;
    }
    PromptBar #prompt-input { width: 1fr; }
    PromptBar #prompt-error { display: none; color: $error; padding: 0 1; }
    PromptBar #prompt-error.shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._submit: Submit | None = None
        self._back_to: Widget | None = None
        self._footer: Footer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("", id="prompt-label")
            yield LineInput(id="prompt-input", compact=True)
        yield Static("", id="prompt-error")

    @property
    def asking(self) -> bool:
        return self.display

    @property
    def input(self) -> Input:
        return self.query_one("#prompt-input", Input)

    def ask(self, question: str, value: str, submit: Submit) -> None:
        """Show `question` with `value` ready to edit (all of it selected, so typing
        replaces it); the footer's row is lent to the bar until it closes."""
        self._submit = submit
        if not self.asking:
            self._back_to = self.screen.focused
        self.query_one("#prompt-label", Label).update(shown(question))
        say_error(self.query_one("#prompt-error", Static), "")
        field = self.input
        field.value = value
        field.select_all()
        self._lend_footer(True)
        self.screen.set_focus(field)  # now, not later: keys typed ahead land in the bar

    def close(self, *, refocus: bool = True) -> None:
        """Put the footer back; with `refocus`, focus goes back where it was before."""
        if not self.asking:
            return
        self._submit = None
        self._lend_footer(False)
        back, self._back_to = self._back_to, None
        if refocus and back is not None and back.is_attached and back.focusable:
            self.screen.set_focus(back)

    def _lend_footer(self, asking: bool) -> None:
        """The bar takes the footer's row (both dock at the bottom, one line high), so the
        panes keep their size and only that row is painted again. Both are shown and hidden
        by their own style, not a class: a class restyles the bar's five widgets each time."""
        if self._footer is None or not self._footer.is_attached:
            self._footer = next(iter(self.screen.query(Footer)), None)  # mounted after start
        if self._footer is not None:
            self._footer.display = not asking
        self.display = asking
        if not asking:  # the keys may have changed while the footer was hidden
            self.screen.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the screen's own inputs (the filter) never see the bar's
        error = refusal(self._submit, event.value)
        if error:
            say_error(self.query_one("#prompt-error", Static), error)
        else:
            self.close()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            self.close()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Focus gone elsewhere (a click on the list, another screen): the question is
        dropped, as escape would, rather than left open over a film no longer in view."""
        if self.asking:
            self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        if not self.input.has_focus and self.app.screen is self.screen:
            self.close(refocus=False)  # focus stays where the user put it
