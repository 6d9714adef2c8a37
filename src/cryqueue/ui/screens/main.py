"""The main screen's changes: watched, tears, rating, tags, ranking moves, notes, adding,
editing and removing films, undo, export and import. Each change is stored at once, recorded
for undo, and shown; what is shown and how it keeps up lives in `main_view.py`."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual import work

from cryqueue.domain.errors import CryqueueError
from cryqueue.domain.export_options import ExportOptions
from cryqueue.domain.films import FilmEntry, FilmFacts, ListRow, Viewings
from cryqueue.domain.import_records import ImportBatch
from cryqueue.domain.import_report import summary_lines
from cryqueue.domain.reading import LibraryReader
from cryqueue.domain.validate import without_controls
from cryqueue.domain.wording import counted, viewings_forgotten
from cryqueue.storage.paths import export_folder
from cryqueue.ui.history import Change, History, Presence
from cryqueue.ui.screens.dialogs import ConfirmDialog, ExportDialog, FilmFormDialog, PromptDialog
from cryqueue.ui.screens.diary import DiaryScreen
from cryqueue.ui.screens.list_reading import SORTS
from cryqueue.ui.screens.main_view import MainView


class MainScreen(MainView):
    def __init__(self, peek: LibraryReader | None = None) -> None:
        super().__init__(peek)
        self.history = History()

    def _current(self) -> ListRow | None:
        """The highlighted film, for an action that changes it; None (with a bell, or a word on
        why) when there is none, an import holds the library or another cryqueue removed it.
        Another cryqueue's changes are read first, so the screen catches up before a change."""
        if self._import_running():
            return None
        return self.highlighted()

    def _import_running(self) -> bool:
        """While an import holds the library, a change would wait on its lock with the app
        frozen: say so instead (the change can be made again once it has finished)."""
        if self.importing:
            self.notify("An import is running; try again when it has finished.", timeout=4)
        return self.importing

    # Watched and tears -----------------------------------------------------------------------

    def action_toggle_watched(self) -> None:
        row = self._current()
        if row is None:
            return
        before, after = self.library.toggle_watched(row.id, self.cq.today())
        self._record_viewings(row.id, before, after, "watched" if after else "unwatched")
        if not after:  # every viewing went: never silently
            forgotten = viewings_forgotten(len(before.days), before.undated)
            self.notify(f"{row.title}: {forgotten}; ctrl+z to undo.")

    def _record_viewings(self, film_id: int, before: Viewings, after: Viewings, label: str) -> None:
        self.history.record(
            Change.setting(
                label,
                film_id,
                partial(self.library.set_viewings, film_id),
                before,
                after,
                show=lambda _viewings: self._after_view_change(film_id),
            )
        )
        self._after_view_change(film_id)

    def _after_view_change(self, film_id: int) -> None:
        """The film's line again; in the 'to watch' / 'watched' views a toggled film leaves
        the list."""
        self.refresh_film(film_id)
        if self.view != "all" or self.sort == "tears":
            self.apply_view(keep_id=film_id)

    def action_watched_on(self) -> None:
        row = self._current()
        if row is None:
            return

        def submit(value: str) -> str | None:
            before = self.library.viewings(row.id)
            day = self.library.mark_watched(row.id, value.strip() or None)
            after = before.plus(day)
            self._record_viewings(row.id, before, after, "watched")
            return None

        self.ask(f"Watched “{row.title}” on (YYYY-MM-DD):", self.cq.today().isoformat(), submit)

    def action_tears(self, level: int) -> None:
        row = self._current()
        if row is None:
            return
        value = None if level < 0 else level
        before, value = self.library.swap_tears(row.id, value)
        show = partial(self._tears_shown, row.id)
        tears = partial(self.library.set_tears, row.id)
        self.history.record(Change.setting("tear level", row.id, tears, before, value, show))
        show(value)

    def _tears_shown(self, film_id: int, _level: int | None) -> None:
        self.refresh_film(film_id)
        if self.sort == "tears":
            self.apply_view(keep_id=film_id)

    def action_rate(self) -> None:
        row = self._current()
        if row is None:
            return
        current = self.library.get(row.id, rank=row.rank).rating

        def submit(value: str) -> str | None:
            before, after = self.library.swap_rating(row.id, value)
            rate = partial(self.library.swap_rating, row.id)
            show = partial(self._rating_shown, row.id)
            self.history.record(Change.setting("rating", row.id, rate, before, after, show))
            self.refresh_film(row.id)
            return None

        shown = f"{current:g}" if current is not None else ""
        self.ask(f"Rate “{row.title}”, 0.5 to 5 stars (empty for none):", shown, submit)

    def _rating_shown(self, film_id: int, _stars: object) -> None:
        self.refresh_film(film_id)

    def action_edit_tags(self) -> None:
        row = self._current()
        if row is None:
            return
        current = self.library.get(row.id, rank=row.rank).tags

        def submit(value: str) -> str | None:
            wanted = [t for t in value.split(",") if t.strip()]
            before, after = self.library.retag(row.id, wanted, replace=True)
            tags = partial(self._set_tags, row.id)  # shows them too
            self.history.record(Change.setting("tags", row.id, tags, before, after, _shown))
            self._tags_changed(row.id, after)
            return None

        question = f"Tags of “{row.title}”, separated by commas (filter with /#tag):"
        self.ask(question, ", ".join(current), submit)

    def _set_tags(self, film_id: int, tags: tuple[str, ...]) -> None:
        self._tags_changed(film_id, self.library.set_tags(film_id, tags))

    def _tags_changed(self, film_id: int, tags: tuple[str, ...]) -> None:
        if self.listing is not None:
            self.listing.set_tags(film_id, tags)
        self.refresh_film(film_id)
        if "#" in self.search_text:
            self.apply_view(keep_id=film_id)

    # Ranking ---------------------------------------------------------------------------------

    def _ranking_order(self) -> bool:
        if self.sort != "rank":
            self.notify(
                f"Moving works in “my ranking” order (now sorted by {SORTS[self.sort_index][1]}); "
                "press s to switch.",
                severity="warning",
            )
            return False
        return True

    def action_move(self, step: int) -> None:
        row = self._current()
        if row is None or not self._ranking_order():
            return
        films = self.film_list
        at = films.cursor + step
        if not 0 <= at < len(films.rows):
            self.app.bell()
            return
        neighbour = films.rows[at].id
        self._move(row, lambda: self.library.move_past(row.id, neighbour, up=step < 0))

    def action_move_top(self) -> None:
        row = self._current()
        if row is not None and self._ranking_order():
            self._move(row, lambda: self.library.reposition(row.id, 1))

    def action_move_bottom(self) -> None:
        row = self._current()
        if row is not None and self._ranking_order():
            total = self.library.stats().total  # not in memory: it may be loading
            self._move(row, lambda: self.library.reposition(row.id, total))

    def action_move_to(self) -> None:
        row = self._current()
        if row is None or not self._ranking_order():
            return

        def submit(value: str) -> str | None:
            if not value.strip().isdigit() or int(value) < 1:
                return "Give a position: a whole number from 1."
            self._move(row, lambda: self.library.reposition(row.id, int(value)))
            return None

        self.ask(f"Move “{row.title}” to position:", str(row.rank), submit)

    def _move(self, row: ListRow, reposition: Callable[[], tuple[int, int]]) -> None:
        """Make a move (`reposition` returns the old and new places, as stored) undoable and
        show it: in memory when the screen agreed with the database, else by reading again."""
        old, new = reposition()
        if new == old:
            if old != row.rank:
                self.catch_up()  # the screen was behind; the film stays where others put it
            return
        self._changes += 1

        move = partial(self.library.move_to, row.id)
        show = partial(self._moved_back, row.id)
        self.history.record(Change.setting("move", row.id, move, old, new, show))
        passed = abs(new - old) - 1
        if passed > 0 and (self.search_text or self.view != "all"):
            self.notify(
                f"{row.title} moved from #{old} to #{new}, past {counted(passed, 'film')} "
                "this view hides.",
                timeout=4,
            )
        if old == row.rank and self.listing is not None:
            self._moved_back(row.id, new)
        else:
            self.reload(keep_id=row.id)  # another cryqueue reordered meanwhile

    def _moved_back(self, film_id: int, rank: int) -> None:
        """A film is at `rank` now (a move, or its undo): move its line, reading nothing. When
        the list is still being read, the read shows it."""
        if self.listing is None or self.sort != "rank":
            self.reload(keep_id=film_id)
            return
        self._changes += 1
        self.listing.move(film_id, rank)
        self.film_list.move_row(film_id, rank)
        self._details_soon()

    # Notes -----------------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        row = self.highlighted()
        if row is not None:
            self.show_highlighted()
            if self.notes.film_id != row.id:  # pressed before the details ever followed
                self._show_film(row)
            self.panes.add_class("-editing")  # a terminal too short for both shows the notes alone
            self.remove_class("-preview")  # writing is in the editor
            self.notes.focus()

    def _save_note(self, film_id: int, text: str, base: str) -> str | None:
        if self.importing:  # the editor keeps the text; saved when the import ends
            self.notify("The note will be saved when the import has finished.", timeout=4)
            return None
        try:
            stored = self.library.set_note(film_id, without_controls(text), expected=base)
        except CryqueueError as exc:
            self.notify(
                f"note not saved: {exc}; your text is still in the editor",
                severity="error",
                timeout=8,
            )
            return None

        note = partial(self.library.set_note, film_id)
        show = partial(self._note_shown, film_id)
        self.history.record(Change.setting("note", film_id, note, base, stored, show))
        if self.listing is not None:  # the line and the editor show it already
            self.listing.note_changed()
        if stored != text and stored != without_controls(text):
            self.notify(
                "This note was also changed by another cryqueue; both versions are kept.",
                severity="warning",
                timeout=8,
            )
        return stored

    def _note_shown(self, film_id: int, note: str) -> None:
        """A note undone or redone: the list's copy and the film's line."""
        if self.listing is not None:
            self.listing.note_changed()
        self.refresh_film(film_id)

    # Add, edit, remove -------------------------------------------------------------------------

    def action_add_film(self) -> None:
        if self._import_running():
            return

        def submit(facts: FilmFacts) -> FilmEntry:
            entry = self.library.add_film(facts)
            film = Presence(self.library.remove_film, self.library.restore_film, film_id=entry.id)
            self.history.record(Change.presence("add", film, added=True))
            return entry

        def added(entry: FilmEntry | None) -> None:
            if entry is not None:
                self.reload(keep_id=entry.id)
                self.notify(f"Added {entry.label} at #{entry.rank}.")

        self.app.push_screen(FilmFormDialog("Add a film", submit), self.guarded(added))

    def action_edit_film(self) -> None:
        row = self._current()
        if row is None:
            return
        start = self.library.get(row.id)
        before = start.facts()

        def submit(facts: FilmFacts) -> FilmEntry:
            entry = self.library.edit_film(row.id, facts)

            edit = partial(self.library.edit_film, row.id)
            self.history.record(Change.setting("edit", row.id, edit, before, facts))
            return entry

        def edited(entry: FilmEntry | None) -> None:
            if entry is not None:
                self.reload(keep_id=entry.id)

        self.app.push_screen(
            FilmFormDialog(f"Edit {start.label}", submit, start), self.guarded(edited)
        )

    def action_remove_film(self) -> None:
        row = self._current()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(row)

        self.app.push_screen(
            ConfirmDialog(f"Remove “{row.title}” ({row.year}) and its notes and viewings?"),
            self.guarded(answered),
        )

    def _remove(self, row: ListRow) -> None:
        self.notes.save_now()
        removed = self.library.remove_film(row.id)
        film = Presence(self.library.remove_film, self.library.restore_film, removed=removed)
        self.history.record(Change.presence("remove", film, added=False))
        self.notes.film_id = None
        self.film_list.remove_row(row.id)  # at once; the ranks below it follow with the read
        self.catch_up()
        self.notify(f"Removed {row.title} ({row.year}). Press ctrl+z to undo.")

    # Undo --------------------------------------------------------------------------------------

    def action_undo(self) -> None:
        if self._import_running():
            return
        self._replay(self.history.undo, "Undid", "nothing to undo")

    def action_redo(self) -> None:
        if self._import_running():
            return
        self._replay(self.history.redo, "Redid", "nothing to redo")

    def _replay(
        self, step: Callable[[], tuple[Change, int | None] | None], verb: str, empty: str
    ) -> None:
        self.notes.save_now()
        done = step()
        if done is None:
            self.say(empty)
            return
        change, focus = done
        self.notes.film_id = None  # the note shown may have changed underneath
        if change.shown and focus is not None:
            self.film_list.highlight(focus)
            self._details_soon()
        else:
            self.reload(keep_id=focus)
        self.say(f"{verb} {change.label}")

    # Diary and statistics --------------------------------------------------------------------

    def action_diary(self) -> None:
        self.notes.save_now()
        self.app.push_screen(DiaryScreen(self))

    def action_insights(self) -> None:
        # lazy: start-up (the charts' library, plotext, costs some 0.2 s to import)
        from cryqueue.ui.screens.insights import InsightsScreen

        self.app.push_screen(InsightsScreen(self.library))

    # Export and import -----------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask where and what, as the CLI's export does; the path and choices are remembered
        for next time (the Documents folder, else home, the first time)."""
        last = self.cq.last_export()
        # Not at the top: the app's first frame is drawn before the library module loads.
        from cryqueue.library import default_export_name

        folder = self.cq.export_dir or export_folder()
        path = last.path or str(folder / default_export_name("markdown"))

        def submit(value: str, options: ExportOptions) -> Path:
            target = self.library.export_file(Path(value).expanduser(), options=options)
            self.cq.remember_export(str(target), options)
            return target

        def exported(target: Path | None) -> None:
            if target is not None:
                self.notify(f"Exported your ranking to {target}", title="Export", timeout=8)

        self.app.push_screen(ExportDialog(path, last.options, submit), self.guarded(exported))

    def action_import_file(self) -> None:
        """Ask for a file; read it and work out what importing it would do (in a thread: a big
        file takes seconds); show that and import on a yes. A backup is made first: an import
        is one transaction, but not one ctrl+z."""
        folder = self.cq.export_dir or export_folder()

        def submit(value: str) -> str | None:
            path = Path(value.strip()).expanduser()
            if not value.strip() or not path.exists():
                return f"{path} does not exist; give a file, a Letterboxd ZIP or its folder."
            return None

        def chosen(value: str | None) -> None:
            if value:
                self._import_worker(self._plan_import, Path(value.strip()).expanduser())

        self.app.push_screen(
            PromptDialog(
                "Import from cryqueue, Letterboxd or IMDb",
                "File, Letterboxd ZIP or folder:",
                str(folder) + os.sep,
                submit,
            ),
            self.guarded(chosen),
        )

    @work(thread=True, exclusive=True, group="import", description="import a file")
    def _import_worker(self, task: Callable[[Path], None], path: Path) -> None:
        """Run import work in a thread; a failure is a notification, never the app's end
        (the import's transaction has been rolled back by then)."""
        try:
            task(path)
        except CryqueueError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
        except Exception as exc:  # anything else must not close the app
            message = f"the import failed ({exc}); nothing was changed"
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)

    def _plan_import(self, path: Path) -> None:
        self.app.call_from_thread(self.notify, f"Reading {path.name}…", timeout=3)
        batch = self.library.read_import(path)
        plan = self.library.import_batch(batch, dry_run=True)
        headline, *more = summary_lines(plan, path.name, dry_run=True, examples=None)
        question = (
            f"{headline}\n\nImport it ({batch.described})? A backup is made first; the "
            "import is one step that ctrl+z does not undo (restore the backup instead)."
        )
        details = [*plan.lines, *(line.strip() for line in more)]

        def answered(yes: bool | None) -> None:
            if yes:
                self._import_worker(partial(self._import, batch=batch), path)

        self.app.call_from_thread(
            self.app.push_screen, ConfirmDialog(question, details), self.guarded(answered)
        )

    def _import(self, path: Path, batch: ImportBatch) -> None:
        self.importing = True
        try:
            backup = self.library.backup_beside("pre-import")
            summary = self.library.import_batch(batch)
        finally:
            self.importing = False
            self.app.call_from_thread(self.notes.save_now)  # a note typed meanwhile
        headline = summary_lines(summary, path.name, examples=0)[0]
        message = f"{headline} The library before it is kept as {backup.name}."
        self.app.call_from_thread(self._imported, message, backup)

    def _imported(self, message: str, backup: Path) -> None:
        self.history.record(
            Change.barrier(
                "import",
                "an import cannot be undone here; to go back to the library before it, quit "
                f"and run: cryqueue restore {backup} (with the same --db, if you gave one)",
            )
        )
        self._changes += 1
        self.reload()
        self.notify(message, title="Import", timeout=10)


def _shown(_value: object) -> None:
    """For a change whose `apply` shows it already."""
