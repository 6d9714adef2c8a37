"""Finding the one film a title names, as every command does: exact titles first, then a
unique prefix, then the titles a typo may have meant (for the error). Films are named by
their English or original title, folded as the search folds them."""

from __future__ import annotations

from cryqueue.domain.errors import LookupFailed
from cryqueue.domain.search import similar_titles
from cryqueue.domain.text import norm, split_year
from cryqueue.storage.driver import Driver

MAX_CANDIDATES = 8  # films named in an error that lists them


def find_film(driver: Driver, query: str, year: int | None = None) -> int:
    """The one film that `query` names: an English or original title, or a unique prefix of
    one, case-insensitively; 'Title (Year)' or `year` (the CLI's --year) picks between
    same-named films. The one lookup of every command: an unknown title fails suggesting
    the titles it may mean (the search's typo matching), namesakes fail naming each."""
    name, in_query = split_year(query)
    if year is not None and in_query is not None and in_query != year:
        raise LookupFailed(f"{query!r} says {in_query} but --year says {year}; give one year")
    shown = f"{query!r}" if year is None or in_query is not None else f"{name!r} from {year}"
    year = in_query if year is None else year
    needle = norm(name)
    if not needle:
        raise LookupFailed("give a title to look up")
    rows = _candidates(driver, "(title_norm = ? OR original_norm = ?)", (needle, needle), year)
    if len(rows) > 1 and year is None:
        by_year = sorted(rows[:MAX_CANDIDATES], key=lambda row: row[2])
        names = ", ".join(f"{title} ({y})" for _id, title, y in by_year)
        more = " …" if len(rows) > MAX_CANDIDATES else ""
        raise LookupFailed(f"{len(rows)} films are titled {name!r}: {names}{more}; add --year")
    if not rows:
        high = needle + "\U0010ffff"
        prefix = (
            "((title_norm >= ? AND title_norm < ?) OR (original_norm >= ? AND original_norm < ?))"
        )
        rows = _candidates(driver, prefix, (needle, high, needle, high), year)
    if len(rows) == 1:
        return rows[0][0]
    if rows:
        names = ", ".join(f"{title} ({y})" for _id, title, y in rows[:MAX_CANDIDATES])
        more = " …" if len(rows) > MAX_CANDIDATES else ""
        raise LookupFailed(
            f"{shown} matches {len(rows)} films: {names}{more}; "
            "give more of the title, or add --year"
        )
    hint = _similar(driver, name)
    suggestion = f"; did you mean {hint}?" if hint else "; see 'cryqueue list'"
    raise LookupFailed(f"no film titled {shown}{suggestion}")


def _candidates(
    driver: Driver, condition: str, values: tuple[str, ...], year: int | None
) -> list[tuple[int, str, int]]:
    where, given = (
        (condition, values) if year is None else (f"{condition} AND year = ?", (*values, year))
    )
    rows = driver.execute(
        f"SELECT id, title, year FROM film WHERE {where} ORDER BY rank_key LIMIT ?",
        (*given, MAX_CANDIDATES + 1),
    )
    return [(int(i), t, int(y)) for i, t, y in rows]


def _similar(driver: Driver, name: str) -> str:
    """'Windstruck (2004)', or 'A (2001), B (2004) or C (2010)': the titles `name` may have
    meant, by the search's rules (see `similar_titles`); '' when none comes close."""
    rows = driver.execute("SELECT id, title, original_title, year FROM film ORDER BY rank_key")
    films = {film_id: (title, original, year) for film_id, title, original, year in rows}
    found = similar_titles(((i, t, o) for i, (t, o, _y) in films.items()), name)
    labels = [f"{films[i][0]} ({films[i][2]})" for i in found]
    return " or ".join(filter(None, (", ".join(labels[:-1]), *labels[-1:])))
