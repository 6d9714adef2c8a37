"""The floor for the Markdown export: `python -m bench.raw_read DB OUT` reads the rows the export
needs with the standard library's sqlite3 alone (every film in ranking order with its title,
original title, year, tear level, note, rating and tags, and every viewing's date) and writes
one plain line per film to OUT. Nothing of cryqueue is imported: this is what any program
would pay to get the same rows out of the same file."""

from __future__ import annotations

import sqlite3
import sys
from collections import defaultdict
from pathlib import Path


def main(db: Path, out: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        days: dict[int, list[str]] = defaultdict(list)
        for film_id, day in conn.execute("SELECT film_id, watched_on FROM viewing ORDER BY 2"):
            days[film_id].append(str(day))
        rows = conn.execute(
            "SELECT id, title, original_title, year, tear_level, note, watched_undated, rating,"
            " tags_json FROM film ORDER BY rank_key"
        )
        with out.open("w", encoding="utf-8") as file:
            for rank, (i, title, original, year, tears, note, undated, rating, tags) in enumerate(
                rows, 1
            ):
                seen = ", ".join(days.get(i, ())) or ("watched" if undated else "not watched")
                file.write(
                    f"{rank}. {title} — {original} ({year}) {seen} {tears} {rating} {tags} {note}\n"
                )
    finally:
        conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
