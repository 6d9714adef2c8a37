"""Every key of the app, asserting what a user would notice: the database afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Log

from cryqueue.library import Library
from cryqueue.ui.app import CryqueueApp
from cryqueue.ui.screens.dialogs import (
    ConfirmDialog,
    ExportDialog,
    FilmFormDialog,
    HelpScreen,
)
from cryqueue.ui.widgets.prompt_bar import PromptBar

from .conftest import SIZE, TODAY, MakeApp, highlighted, titles, until


def prompt(app: CryqueueApp) -> PromptBar:
    """The main screen's one-line question (rating, tags, position, day watched)."""
    return app.main.query_one(PromptBar)


async def test_cursor_keys_move_highlight_and_details(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        films = app.main.film_list
        assert highlighted(films).title == "A Moment to Remember"
        await pilot.press("down", "j")
        assert films.cursor == 2
        await pilot.press("up", "k")
        assert films.cursor == 0
        await pilot.press("end")
        assert highlighted(films).title == titles(library)[-1]
        await pilot.press("home")
        assert films.cursor == 0
        await pilot.press("pagedown")
        assert films.cursor > 5
        await pilot.press("pageup")
        assert films.cursor == 0
        await pilot.press("down")
        await pilot.pause(0.2)  # the details follow once the cursor rests
        assert "The Letter\n편지" in app.main.details.text
        assert "#2 in your ranking" in app.main.details.text


async def test_w_and_space_toggle_watched_today(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        assert library.find("A Moment to Remember").viewings == (TODAY,)
        await pilot.press("space")
        assert library.find("A Moment to Remember").viewings == ()
        assert highlighted(app.main.film_list).watched is False


async def test_shift_w_logs_a_viewing_on_a_chosen_date(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("W")
        assert prompt(app).asking
        prompt(app).input.value = "2024-02-30"
        await pilot.press("enter")
        assert prompt(app).asking, "an invalid date keeps the question open"
        assert "not a valid date" in str(prompt(app).query_one("#prompt-error").render())
        assert library.find("A Moment to Remember").viewings == ()
        prompt(app).input.value = "2024-02-29"
        await pilot.press("enter")
        assert not prompt(app).asking
        assert [d.isoformat() for d in library.find("A Moment").viewings] == ["2024-02-29"]


async def test_digits_and_minus_set_tear_level(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for key in "012345":
            await pilot.press(key)
            assert library.find("A Moment to Remember").tear_level == int(key)
        await pilot.press("minus")
        assert library.find("A Moment to Remember").tear_level is None
        assert highlighted(app.main.film_list).tear_level is None


async def test_shift_arrows_and_jk_capitals_move_in_ranking(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+down")
        assert titles(library)[:2] == ["The Letter", "A Moment to Remember"]
        assert highlighted(app.main.film_list).title == "A Moment to Remember"
        assert highlighted(app.main.film_list).rank == 2
        await pilot.press("J")
        assert titles(library)[2] == "A Moment to Remember"
        await pilot.press("K", "shift+up")
        assert titles(library)[0] == "A Moment to Remember"
        await pilot.press("shift+up")  # already at the top: nothing changes
        assert titles(library)[0] == "A Moment to Remember"
        assert [r.rank for r in app.main.film_list.rows] == list(range(1, 18))


async def test_t_b_and_m_move_to_top_bottom_and_position(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "t")
        assert titles(library)[0] == "Ode to My Father"
        await pilot.press("b")
        assert titles(library)[-1] == "Ode to My Father"
        assert highlighted(app.main.film_list).rank == 17
        await pilot.press("m")
        prompt(app).input.value = "abc"
        await pilot.press("enter")
        assert prompt(app).asking
        prompt(app).input.value = "3"
        await pilot.press("enter")
        assert titles(library)[2] == "Ode to My Father"
        assert [r.title for r in app.main.film_list.rows] == titles(library)


async def test_notes_autosave_after_typing_stops(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert app.focused is app.main.notes
        await pilot.press(*"so sad")
        await pilot.pause(1.2)
        assert library.find("A Moment to Remember").note == "so sad"
        await pilot.press("escape")
        assert app.main.film_list.has_focus


async def test_notes_saved_on_leaving_switching_and_quitting(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"first")
        await pilot.press("escape")  # leaving the pane saves at once
        assert library.find("A Moment to Remember").note == "first"
        await pilot.press("down", "enter", *"second")
        await pilot.press("q")  # typing q in notes is text, not quit
        assert app.is_running
        await pilot.press("ctrl+q")
    assert library.find("The Letter").note == "secondq"


async def test_pasted_control_characters_are_dropped_from_a_note(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        app.main.notes.insert("red \x1b[31malert\x07 눈물\n")
        await pilot.press("escape")
        assert library.find("A Moment to Remember").note == "red [31malert 눈물\n"
        assert app.main.notes.text == "red [31malert 눈물\n"


async def test_a_note_that_cannot_be_saved_stays_in_the_editor(
    make_app: MakeApp, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryqueue.domain.errors import CryqueueError

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"precious")

        def busy(*_args: object, **_kwargs: object) -> str:
            raise CryqueueError("the database stayed busy")

        monkeypatch.setattr(library, "set_note", busy)
        await pilot.press("escape")
        assert app.main.notes.text == "precious"
        assert any("still in the editor" in n.message for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("n", "!", "escape")  # the next save goes through
        assert library.find("A Moment to Remember").note == "precious!"


async def test_slash_filters_and_escape_clears(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"jun ji")
        assert [r.title for r in app.main.film_list.rows] == [
            "Il Mare",
            "My Sassy Girl",
            "Windstruck",
            "My Love from the Star",
        ]
        await pilot.press("enter")
        assert app.main.film_list.has_focus
        await pilot.press("w")  # acts on the filtered list's highlight
        assert library.find("Il Mare").watched
        await pilot.press("escape")
        assert len(app.main.film_list.rows) == 17
        await pilot.press("slash", *"늑대")
        assert [r.title for r in app.main.film_list.rows] == ["A Werewolf Boy"]
        await pilot.press("escape")
        assert len(app.main.film_list.rows) == 17
        assert not app.main.search_text


async def test_f_cycles_view(make_app: MakeApp, library: Library) -> None:
    library.mark_watched(library.find("The Letter").id, "2025-01-01")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert "The Letter" not in [r.title for r in app.main.film_list.rows]
        assert len(app.main.film_list.rows) == 16
        assert "to watch" in app.main.status_line
        await pilot.press("f")
        assert [r.title for r in app.main.film_list.rows] == ["The Letter"]
        await pilot.press("w")  # unwatching it in the 'watched' view removes it from view
        assert not library.find("The Letter").watched
        assert list(app.main.film_list.rows) == []
        await pilot.press("f")
        assert len(app.main.film_list.rows) == 17


async def test_s_cycles_sort_and_moving_needs_my_ranking(
    make_app: MakeApp, library: Library
) -> None:
    library.set_tears(library.find("Always").id, 5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert "list consensus" in app.main.status_line
        await pilot.press("s")
        assert [r.year for r in app.main.film_list.rows] == sorted(
            (r.year for r in app.main.film_list.rows), reverse=True
        )
        before = titles(library)
        await pilot.press("shift+up", "t")
        assert titles(library) == before, "no moving outside 'my ranking'"
        await pilot.press("s")
        assert app.main.film_list.rows[0].title == "Always"
        await pilot.press("s")
        assert "my ranking" in app.main.status_line


async def test_a_adds_a_film(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, FilmFormDialog)
        app.screen.query_one("#field-title", Input).value = "[REC] *x*"
        app.screen.query_one("#field-year", Input).value = "2007"
        app.screen.query_one("#field-cast", Input).value = "Manuela Velasco"
        await pilot.click("#save")
        assert not isinstance(app.screen, FilmFormDialog)
        added = library.find("[REC] *x*")
        assert (added.year, added.cast, added.rank) == (2007, ("Manuela Velasco",), 18)
        assert highlighted(app.main.film_list).title == "[REC] *x*"
        line = app.main.film_list.render_line(
            app.main.film_list.cursor - int(app.main.film_list.scroll_y)
        )
        assert "[REC] *x*" in line.text


async def test_add_refuses_a_duplicate_and_keeps_the_dialog(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        app.screen.query_one("#field-title", Input).value = "Il Mare"
        app.screen.query_one("#field-year", Input).value = "2000"
        await pilot.click("#save")
        assert isinstance(app.screen, FilmFormDialog)
        assert "already in the library" in str(app.screen.query_one("#form-error").render())
        assert len(library.films()) == 17


async def test_e_edits_the_highlighted_film(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        app.screen.query_one("#field-director", Input).value = "Lee Jae-han"
        await pilot.click("#save")
        assert library.find("A Moment to Remember").director == "Lee Jae-han"


async def test_delete_removes_after_confirmation(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert len(library.films()) == 17
        await pilot.press("delete", "y")
        assert "A Moment to Remember" not in titles(library)
        assert len(app.main.film_list.rows) == 16


async def test_x_exports_markdown_and_reports_the_path(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        dialog_input = app.screen.query_one(Input)
        assert dialog_input.value == str(tmp_path / "exports" / "cryqueue-ranking.md")
        dialog_input.value = str(tmp_path / "missing-folder" / "out.md")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportDialog), "an unwritable path keeps the dialog open"
        assert "cannot write" in str(app.screen.query_one("#export-error").render())
        target = tmp_path / "out.md"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportDialog)
        text = target.read_text(encoding="utf-8")
        assert "1. **A Moment to Remember**" in text
        assert any(str(target) in n.message for n in app._notifications)


async def test_undo_and_redo_every_kind_of_change(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "4", "shift+down")
        assert titles(library)[1] == "A Moment to Remember"
        await pilot.press("ctrl+z")
        assert titles(library)[0] == "A Moment to Remember"
        await pilot.press("ctrl+z")
        assert library.find("A Moment to Remember").tear_level is None
        await pilot.press("ctrl+z")
        assert not library.find("A Moment to Remember").watched
        await pilot.press("ctrl+y", "ctrl+y")
        entry = library.find("A Moment to Remember")
        assert entry.watched and entry.tear_level == 4
        # a removal comes back with its state and place
        await pilot.press("delete", "y")
        assert "A Moment to Remember" not in titles(library)
        await pilot.press("ctrl+z")
        entry = library.find("A Moment to Remember")
        assert (entry.rank, entry.tear_level, entry.viewings) == (1, 4, (TODAY,))
        assert library.details(entry.id).sources, "its list rankings come back too"
        # a note save is undoable
        await pilot.press("n", *"oops", "escape", "ctrl+z")
        assert library.find("A Moment to Remember").note == ""
        # an edit of the film's facts is undoable and redoable
        director = library.find("A Moment to Remember").director
        await pilot.press("escape", "e")
        app.screen.query_one("#field-director", Input).value = "Somebody Else"
        await pilot.click("#save")
        assert library.find("A Moment to Remember").director == "Somebody Else"
        await pilot.press("ctrl+z")
        assert library.find("A Moment to Remember").director == director
        await pilot.press("ctrl+y")
        assert library.find("A Moment to Remember").director == "Somebody Else"
        # an added film goes away on undo
        await pilot.press("a")
        app.screen.query_one("#field-title", Input).value = "Slip"
        app.screen.query_one("#field-year", Input).value = "2020"
        await pilot.click("#save")
        assert "Slip" in titles(library)
        await pilot.press("ctrl+z")
        assert "Slip" not in titles(library)
        # and comes and goes again, under whatever id it came back with
        await pilot.press("ctrl+y")
        assert "Slip" in titles(library)
        await pilot.press("ctrl+z")
        assert "Slip" not in titles(library)


async def test_question_mark_opens_help(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_our_actions(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "ctrl+p")
        await pilot.press(*"Move to top")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert titles(library)[0] == "The Letter"


async def test_q_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_theme_choice_persists(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert '"nord"' in (tmp_path / "config" / "config.json").read_text()
    again = make_app()
    async with again.run_test(size=SIZE):
        assert again.theme == "nord"


async def test_changes_by_another_writer_are_shown_not_overwritten(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    other = Library.open(tmp_path / "cq.db")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"mine")
        other.set_note(library.find("A Moment to Remember").id, "theirs")
        other.set_tears(library.find("The Letter").id, 5)
        await pilot.press("escape")
        note = library.find("A Moment to Remember").note
        assert "mine" in note and "theirs" in note
        await pilot.press("down")
        await until(pilot, lambda: highlighted(app.main.film_list).tear_level == 5)
        await pilot.press("w")  # a later change does not undo theirs
        assert library.find("The Letter").tear_level == 5
    other.close()


async def test_filter_understands_initial_consonants_and_typos(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"ㄴㄷㅅㄴ")
        await pilot.pause()
        assert [r.title for r in app.main.film_list.rows] == ["A Werewolf Boy"]
        await pilot.press("escape", "slash", *"windstrck")
        await pilot.pause()
        assert [r.title for r in app.main.film_list.rows] == ["Windstruck"]


async def test_hash_edits_tags_slash_hash_filters_and_undo(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("#")
        assert prompt(app).asking
        prompt(app).input.value = "Sad, rainy day, a,"
        await pilot.press("enter")
        assert library.find("A Moment to Remember").tags == ("Sad", "rainy day", "a")
        await pilot.pause(0.2)
        assert "Tags: #Sad  #rainy day  #a" in app.main.details.text
        await pilot.press("slash", *"#rain")
        await pilot.pause(0.3)
        assert [r.title for r in app.main.film_list.rows] == ["A Moment to Remember"]
        await pilot.press("escape")
        await pilot.pause(0.3)
        await pilot.press("#")
        prompt(app).input.value = "bad,tag" + "x" * 300
        await pilot.press("enter")
        assert prompt(app).asking, "a bad tag keeps the question open"
        assert "too long" in str(prompt(app).query_one("#prompt-error").render())
        await pilot.press("escape")
        await pilot.press("ctrl+z")
        assert library.find("A Moment to Remember").tags == ()


async def test_r_sets_the_star_rating(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        prompt(app).input.value = "7"
        await pilot.press("enter")
        assert "half steps" in str(prompt(app).query_one("#prompt-error").render())
        prompt(app).input.value = "4.5"
        await pilot.press("enter")
        assert library.find("A Moment to Remember").rating == 4.5
        assert library.find("A Moment to Remember").tear_level is None
        await pilot.press("ctrl+z")
        assert library.find("A Moment to Remember").rating is None


async def test_i_imports_a_letterboxd_file_after_showing_what_it_will_do(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2023-02-01,Il Mare,2000,u,4.5,,sea,2023-01-31\n"
        "2023-02-02,Hachi: A Dog's Tale,2009,u,5,,,2023-02-01\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        app.screen.query_one(Input).value = str(tmp_path / "missing.csv")
        await pilot.press("enter")
        assert "does not exist" in str(app.screen.query_one("#prompt-error").render())
        app.screen.query_one(Input).value = str(diary)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Would import diary.csv: 1 added, 1 matched, 0 skipped" in str(
            app.screen.query_one("#question").render()
        )
        assert library.find("Il Mare").rating is None  # nothing yet
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        il_mare = library.find("Il Mare")
        assert (il_mare.rating, il_mare.tags) == (4.5, ("sea",))
        assert "Hachi: A Dog's Tale" in [r.title for r in app.main.film_list.rows]
        assert list(tmp_path.glob("cq.db.pre-import*.bak"))


async def import_through_the_dialog(pilot: Pilot[None], app: CryqueueApp, path: Path) -> None:
    """Press i, give `path`, and wait until the file is read and its plan worked out."""
    await pilot.press("i")
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause(0.2)


async def test_a_file_that_is_not_an_export_in_the_import_dialog_is_a_notification(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("Colour,Shape\nred,round\n", "utf-8")
    before = [(f.title, f.rating) for f in library.films()]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await import_through_the_dialog(pilot, app, bad)
        assert not isinstance(app.screen, ConfirmDialog)
        messages = [n.message for n in app._notifications]
        assert any("notes.csv" in m for m in messages), messages
    assert [(f.title, f.rating) for f in library.films()] == before


async def test_the_import_question_counts_and_names_the_rows_it_would_skip(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    bad = tmp_path / "ratings.csv"
    bad.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n2023-01-01,X,2001,u,9\n2023-01-01,Y,2002,u,4\n",
        "utf-8",
    )
    before = [(f.title, f.rating) for f in library.films()]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await import_through_the_dialog(pilot, app, bad)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one(".dialog-title").render())
        assert "Would import ratings.csv: 1 added, 0 matched, 1 skipped" in question, question
        plan = "\n".join(app.screen.query_one(Log).lines)
        assert "ratings.csv line 2" in plan and "star rating" in plan, plan
        await pilot.press("n")
    assert [(f.title, f.rating) for f in library.films()] == before


async def test_changes_wait_while_an_import_writes(make_app: MakeApp, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main.importing = True  # as while the import worker holds the library
        await pilot.press("w", "5")
        assert not library.find("A Moment to Remember").watched
        assert library.find("A Moment to Remember").tear_level is None
        assert any("An import is running" in n.message for n in app._notifications)
        app.main.importing = False
        await pilot.press("w")
        assert library.find("A Moment to Remember").watched


async def test_notes_undo_and_add_wait_while_an_import_writes(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")  # something to undo
        app.main.importing = True  # as while the import worker holds the library
        await pilot.press("n", *"mine", "escape")  # leaving the notes saves them, or would
        assert library.find("A Moment to Remember").note == ""
        assert app.main.notes.text == "mine", "the text stays in the editor"
        await pilot.press("ctrl+z", "a")
        assert library.find("A Moment to Remember").tear_level == 3
        assert app.screen is app.screen_stack[0], "no add form while importing"
        app.main.importing = False
        app.main.notes.save_now()  # what the import's end does
        assert library.find("A Moment to Remember").note == "mine"


async def test_a_huge_note_is_shown_in_part_and_never_cut_short(
    make_app: MakeApp, library: Library
) -> None:
    huge = "weeping " * 250_000  # 2,000,000 characters on one line: the CLI's limit
    film_id = library.find("The Letter").id
    library.set_note(film_id, huge)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await pilot.pause(0.2)
        assert app.main.notes.read_only and len(app.main.notes.text) < 20_000
        assert "2,000,000 characters" in str(app.main.notes.border_subtitle)
        await pilot.press("n", *"more", "escape", "up")
        await pilot.pause(0.2)
        assert not app.main.notes.read_only, "an ordinary note is editable again"
    assert library.get(film_id).note == huge
