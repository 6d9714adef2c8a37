"""The first hour of a newcomer: dialogs that fit, errors shown whole at the field at fault,
an import that shows its whole plan and says it cannot be undone with ctrl+z."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Log, Static

from cryqueue.library import Library
from cryqueue.ui.screens.dialogs import ConfirmDialog, ExportDialog, FilmFormDialog

from .conftest import MakeApp, until
from .test_keys import import_through_the_dialog


def _shown(widget: Static) -> str:
    return str(widget.render())


async def test_an_empty_add_form_names_the_missing_title_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, FilmFormDialog)
        await pilot.click("#save")
        error = app.screen.query_one("#form-error", Static)
        assert "title is empty" in _shown(error)
        assert app.screen.focused is app.screen.query_one("#field-title", Input)


async def test_a_bad_year_is_named_and_its_field_focused(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        app.screen.query_one("#field-title", Input).value = "Slip"
        app.screen.query_one("#field-year", Input).value = "twenty"
        await pilot.click("#save")
        assert "not a number" in _shown(app.screen.query_one("#form-error", Static))
        assert app.screen.focused is app.screen.query_one("#field-year", Input)
    assert "Slip" not in [f.title for f in library.films()]


async def test_every_form_field_and_the_buttons_can_be_seen_at_80x24_and_60x20(
    make_app: MakeApp,
) -> None:
    for size in ((80, 24), (60, 20)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await pilot.press("a")
            dialog = app.screen
            screen = dialog.region
            for button in ("#save", "#cancel"):
                assert screen.contains_region(dialog.query_one(button).region), (size, button)
            for name in ("title", "year", "original_title", "kind", "director", "cast"):
                field = dialog.query_one(f"#field-{name}", Input)
                field.focus()
                await pilot.pause()
                assert field.region.height > 0 and screen.contains_region(field.region), (
                    size,
                    name,
                )


async def test_a_long_error_is_shown_whole(make_app: MakeApp, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "and-another-one-below-it" / "ranking.md"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        error = app.screen.query_one("#export-error", Static)
        text = _shown(error)
        assert str(target.parent) in text and text.endswith("choose another path")
        assert error.region.height > 1, "wrapped over several lines, not cut at the width"
        assert app.screen.region.contains_region(error.region)


async def test_the_import_question_lists_additions_matches_and_skips(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        "2023-02-01,Il Mare,2000,u,4.5,,sea,2023-01-31\n"
        "2023-02-02,Hachi: A Dog's Tale,2009,u,5,,,2023-02-01\n"
        "2023-02-03,,2009,u,5,,,2023-02-01\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await import_through_the_dialog(pilot, app, diary)
        assert isinstance(app.screen, ConfirmDialog)
        lines = app.screen.query_one(Log).lines
        assert any(line.startswith("add") and "Hachi" in line for line in lines), lines
        assert any(line.startswith("match") and "Il Mare" in line for line in lines), lines
        assert any(line.startswith("skipped") for line in lines), lines
        assert "ctrl+z does not undo" in _shown(app.screen.query_one("#question", Static))
        yes = app.screen.query_one("#yes")
        assert app.screen.region.contains_region(yes.region)


async def test_ctrl_z_after_an_import_says_so_and_undoes_nothing_older(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n2023-02-01,Il Mare,2000,u,4.5\n", encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")  # an older change the import must not let ctrl+z reach
        first = library.find("A Moment to Remember")
        assert first.tear_level == 3
        await import_through_the_dialog(pilot, app, diary)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert library.find("Il Mare").rating == 4.5
        await pilot.press("ctrl+z")
        assert library.find("A Moment to Remember").tear_level == 3
        assert library.find("Il Mare").rating == 4.5
        messages = [n.message for n in app._notifications]
        assert any("cannot be undone" in m and "cryqueue restore" in m for m in messages)


async def test_the_filter_has_a_prompt_and_a_match_count_and_leads_the_header(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"love")
        await pilot.pause()
        assert "Filter" in _shown(app.screen.query_one("#filter-prompt", Static))
        count = _shown(app.screen.query_one("#filter-count", Static))
        assert count == f"{len(app.main.film_list.rows)} of 17", count
        assert app.main.status_line.startswith("filter “love”")


async def test_a_move_in_a_filtered_view_says_it_passed_hidden_films(
    make_app: MakeApp, library: Library
) -> None:
    library.mark_watched(library.find("A Moment to Remember").id, "2025-01-01")
    library.mark_watched(library.find("Il Mare").id, "2025-01-01")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f", "f")  # watched only: #1 and #7
        await pilot.pause()
        assert [r.title for r in app.main.film_list.rows] == ["A Moment to Remember", "Il Mare"]
        await pilot.press("shift+down")
        await pilot.pause()
        assert library.find("A Moment to Remember").rank == 7
        messages = [n.message for n in app._notifications]
        assert any("past 5 films this view hides" in m for m in messages), messages


async def test_w_on_a_film_with_viewings_says_how_many_it_forgot(
    make_app: MakeApp, library: Library
) -> None:
    film_id = library.find("A Moment to Remember").id
    library.mark_watched(film_id, "2025-01-01")
    library.mark_watched(film_id, "2025-02-01")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
        assert not library.find("A Moment to Remember").watched
        messages = [n.message for n in app._notifications]
        assert any("2 viewings forgotten; ctrl+z to undo" in m for m in messages), messages
        await pilot.press("ctrl+z")
        assert len(library.find("A Moment to Remember").viewings) == 2


async def test_the_palette_goes_to_a_film_and_shows_keys(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"letter", "enter")  # the film to reach is filtered out
        await pilot.pause()
        assert "Il Mare" not in [r.title for r in app.main.film_list.rows]
        await pilot.press("ctrl+p")
        await pilot.press(*"il mare")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        current = app.main.film_list.current
        assert current is not None and current.title == "Il Mare"
        assert not app.main.search_text, "the filter that hid it is cleared"
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Toggle watched"].endswith("key w")


async def test_the_theme_list_marks_the_theme_in_use(make_app: MakeApp) -> None:
    from textual.command import CommandList, CommandPalette

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.search_themes()
        await pilot.pause(0.5)
        assert isinstance(app.screen, CommandPalette)
        shown = [str(option.prompt) for option in app.screen.query_one(CommandList).options]
        marked = [text for text in shown if "✓ current" in text]
        assert len(marked) == 1 and app.theme in marked[0], shown


async def test_below_70_columns_the_panes_stack(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        films = app.screen.query_one("#left").region
        details = app.screen.query_one("#details").region
        notes = app.screen.query_one("#notes").region
        assert films.width == 60 and details.y >= films.bottom and notes.y == details.y
        assert details.width >= 25 and notes.width >= 25


async def test_at_40x10_the_list_works_and_notes_open_alone(
    make_app: MakeApp, library: Library
) -> None:
    app = make_app()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        films = app.main.film_list
        assert films.region.height >= 5
        await pilot.press("down", "down", "w")
        assert library.find("Ode to My Father").watched
        await pilot.press("n", *"sea")
        await pilot.pause()
        assert app.main.notes.region.height >= 5, "the notes take the list's place"
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.film_list.has_focus and films.region.height >= 5
    assert library.find("Ode to My Father").note == "sea"


async def test_a_first_launch_says_what_to_do_until_the_first_film_is_ticked(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        left = app.screen.query_one("#left")
        assert "w watched" in str(left.border_subtitle)
        assert "press n or enter to write" in str(app.main.notes.placeholder)
        await pilot.press("w")
        await pilot.pause(0.2)
        assert "w watched" not in str(left.border_subtitle), "the hint goes; the legend stays"
        assert "✔ watched" in str(left.border_subtitle)


async def test_p_shows_the_note_rendered_with_html_as_text(
    make_app: MakeApp, library: Library
) -> None:
    from textual.widgets import Markdown

    film_id = library.find("A Moment to Remember").id
    library.set_note(film_id, "# Wept\n\nThe *letter* scene <b>again</b>")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.main.show_highlighted()
        await pilot.press("p")
        await pilot.pause(0.3)
        preview = app.screen.query_one("#notes-preview", Markdown)
        assert preview.display and not app.main.notes.display
        shown = " ".join(str(block.render()) for block in preview.query("MarkdownBlock"))
        assert "Wept" in shown and "<b>again</b>" in shown, shown
        assert "*letter*" not in shown, "Markdown is rendered, not shown raw"
        await pilot.press("n")
        assert app.main.notes.has_focus and not preview.display


async def test_tab_cycles_list_details_notes_and_the_details_scroll_by_keys(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 16)) as pilot:
        app.main.show_highlighted()
        await pilot.press("tab")
        details = app.main.details
        assert details.has_focus
        assert details.max_scroll_y > 0, "the fixture must not fit, or scrolling proves nothing"
        await pilot.press("down", "down")
        assert details.scroll_offset.y == 2
        await pilot.press("tab")
        assert app.main.notes.has_focus
        await pilot.press("tab")
        assert app.main.film_list.has_focus


async def test_the_details_break_between_facts_never_inside_one(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for width in range(60, 101, 3):
            await pilot.resize_terminal(width, 30)
            app.main.show_highlighted()
            await pilot.pause()
            lines = app.main.details.text.splitlines()
            assert "117 min" in "\n".join(lines), (width, lines)
            assert any("directed by John H. Lee" in line for line in lines), (width, lines)


async def test_a_new_theme_repaints_the_details_at_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.main.show_highlighted()
        await pilot.pause()
        details = app.main.details
        before = details.render_line(0)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = details.render_line(0)
        assert before.text == after.text
        assert [s.style for s in before] != [s.style for s in after]


async def test_the_list_has_a_header_and_a_legend(make_app: MakeApp, library: Library) -> None:
    library.mark_watched(library.find("Il Mare").id, "2025-01-01", tears=2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("#list-header").render())
        assert "Title" in header and "Tears" in header
        legend = str(app.screen.query_one("#left").border_subtitle)
        assert "✔ watched" in legend and "· to watch" in legend


async def test_a_wide_list_shows_watched_date_rating_and_tags(
    make_app: MakeApp, library: Library
) -> None:
    film_id = library.find("A Moment to Remember").id
    library.mark_watched(film_id, "2025-03-01", tears=5)
    library.swap_rating(film_id, "4.5")
    library.retag(film_id, ["rain"], replace=True)
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        # The tags come with the whole list, read just after the first frame.
        await until(pilot, lambda: "#rain" in app.main.film_list.render_line(0).text)
        line = app.main.film_list.render_line(0).text
        assert "A Moment to Remember 2004" in line, "the year follows the title"
        assert "2025-03-01" in line and "4.5★" in line and "#rain" in line, line
    narrow = make_app()
    async with narrow.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        line = narrow.main.film_list.render_line(0).text
        assert "A Moment to Remember" in line and "2025-03-01" not in line, line


async def test_the_export_dialog_offers_the_clis_choices_and_remembers_them(
    make_app: MakeApp, library: Library, tmp_path: Path
) -> None:
    from textual.widgets import Checkbox

    film_id = library.find("Il Mare").id
    library.mark_watched(film_id, "2025-01-01", tears=2)
    library.set_note(film_id, "A private *thought*")
    library.swap_rating(film_id, "4")
    target = tmp_path / "mine.md"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        assert not app.screen.query_one("#export-notes", Checkbox).value, "notes are private"
        app.screen.query_one("#export-path", Input).value = str(target)
        app.screen.query_one("#export-watched_only", Checkbox).value = True
        app.screen.query_one("#export-rating", Checkbox).value = True
        await pilot.click("#ok")
        await pilot.pause()
        text = target.read_text(encoding="utf-8")
        assert "**Il Mare**" in text and "A Moment to Remember" not in text
        assert "private" not in text and "4★" in text, text
        await pilot.press("x")  # the same place and choices again
        assert app.screen.query_one("#export-path", Input).value == str(target)
        assert app.screen.query_one("#export-watched_only", Checkbox).value
        assert not app.screen.query_one("#export-notes", Checkbox).value
        app.screen.query_one("#export-notes", Checkbox).value = True
        app.screen.query_one("#export-stats", Checkbox).value = True
        await pilot.click("#ok")
        await pilot.pause()
        text = target.read_text(encoding="utf-8")
        assert "A private *thought*" in text
        assert "## Statistics" in text, text
