"""An import's summary in plain words, the same for the command line and the app: what was
added and matched, the rows skipped counted by reason (a loss is visible at a glance), how files
were read, and every file of a ZIP or folder that was not read, with why."""

from __future__ import annotations

from cryqueue.domain.import_records import ImportSummary, skip_counts


def summary_lines(
    summary: ImportSummary, name: str, *, dry_run: bool = False, examples: int | None = 20
) -> list[str]:
    """The headline ("Imported e.zip: 2 added, 3 matched, 4 skipped (3 TV episodes, 1
    without a year).") then indented lines: notes on how files were read, the files left out,
    and up to `examples` skipped rows with their reasons (None: all of them)."""
    skipped = summary.skipped
    counts = f" ({skip_counts(skipped)})" if skipped else ""
    verb = "Would import" if dry_run else "Imported"
    lines = [
        f"{verb} {name}: {summary.added} added, {summary.matched} matched, "
        f"{len(skipped)} skipped{counts}."
    ]
    lines += [f"  {note}" for note in summary.notes]
    ignored = summary.ignored
    lines += [f"  ignored {file}: {why}" for file, why in ignored[:examples]]
    lines += _more(len(ignored), examples, "files ignored")
    lines += [
        f"  skipped {s.name or '(no title)'} ({s.where}): {s.reason}" for s in skipped[:examples]
    ]
    lines += _more(len(skipped), examples, "skipped")
    return lines


def _more(count: int, shown: int | None, what: str) -> list[str]:
    return [f"  … and {count - shown} more {what}"] if shown is not None and count > shown else []
