"""Letterboxd and IMDb files are read as a stream: memory does not grow with the file, a file
handed over a few bytes at a time reads the same, and a bad row costs that row only."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from cryqueue.interop import csv_rows, letterboxd
from cryqueue.interop.csv_source import Read, Source, scan
from cryqueue.interop.import_sources import load

HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"


def diary_row(n: int, day: str) -> str:
    return (
        f'{day},Film {n},{1950 + n % 70},https://letterboxd.com/film/f{n}/,4,,"sad, rain",{day}\n'
    )


ROWS = 60_000


def test_a_big_diary_imports_without_holding_the_file(tmp_path: Path) -> None:
    """60,000 rows (about 6 MB, in no date order): reading it whole held its bytes, its text
    and every record (the peak grew by 100 MiB as measured); streamed, by about 33 MiB."""
    path = tmp_path / "diary.csv"
    with path.open("w") as out:
        out.write(HEADER)
        for n in range(ROWS):
            out.write(diary_row(n, f"20{10 + n % 13}-{1 + n % 12:02d}-{1 + n % 28:02d}"))
    probe = textwrap.dedent(
        f"""
        import resource, sys
        from pathlib import Path
        from cryqueue.interop.import_sources import load
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        batch = load(Path({str(path)!r}))
        count = sum(1 for _ in batch.all_records())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(count, len(batch.skipped), peak - before)
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    count, skipped, peak_mib = map(int, done.stdout.split())
    assert (count, skipped) == (ROWS, 0)
    assert peak_mib < 60, f"peak grew {peak_mib} MiB for a {path.stat().st_size >> 20} MiB file"


@contextmanager
def trickle(data: bytes, sizes: list[int]) -> Iterator[Read]:
    """A reader that hands out 1 to 40 bytes at a time, whatever is asked."""
    stream = io.BytesIO(data)
    turn = 0

    def read(size: int) -> bytes:
        nonlocal turn
        turn += 1
        return stream.read(min(size, sizes[turn % len(sizes)]))

    yield read


def read_list(data: bytes, sizes: list[int] | None) -> list[tuple[str, int]]:
    if sizes is None:
        source = Source("lists/l.csv", lambda: trickle(data, [len(data) + 1]))
    else:
        source = Source("lists/l.csv", lambda: trickle(data, sizes))
    batch = letterboxd.parse([scan(source)])
    return [(r.facts.title, r.facts.year) for r in batch.all_records()]


TITLES = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from(',"눈물é'),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() and t == t.strip())


@settings(max_examples=examples(60), deadline=None)
@given(
    titles=st.lists(TITLES, min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=8),
)
def test_a_file_read_a_few_bytes_at_a_time_gives_the_same_records(
    titles: list[str], encoding: str, newline: str, sizes: list[int]
) -> None:
    lines = ["Letterboxd list export v7", "Date,Name,Tags,URL,Description", "2024-01-01,L,,u,", ""]
    lines.append("Position,Name,Year,URL,Description")
    for n, title in enumerate(titles, 1):
        quoted = '"' + title.replace('"', '""') + '"'
        lines.append(f'{n},{quoted},{2000 + n},u,"{title[:3]}\n눈물 {newline} é"')
    text = newline.join(lines) + newline
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    whole = read_list(data, None)
    assert whole == [(t, 2000 + n) for n, t in enumerate(titles, 1)]
    assert read_list(data, sizes) == whole


def test_a_bad_row_in_the_middle_costs_that_row_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the records held in memory, and in a diary sorted a range of dates at a time."""
    monkeypatch.setattr(csv_rows, "KEEP", 10)
    monkeypatch.setattr(csv_rows, "BLOCK", 7)
    monkeypatch.setattr(letterboxd, "DIARY_PART", 9)
    rows = [diary_row(n, f"2020-01-{1 + (n * 7) % 28:02d}") for n in range(60)]
    rows[30] = "2020-01-05,Broken,20x1,u,4,,,2020-01-05\n"
    path = tmp_path / "diary.csv"
    path.write_text(HEADER + "".join(rows))
    batch = load(path)
    records = list(batch.all_records())
    assert len(records) == 59 and list(batch.all_records()) == records  # read again alike
    days = [r.viewings[0].isoformat() for r in records]
    assert days == sorted(days)
    assert [(s.where, s.name) for s in batch.skipped] == [("diary.csv line 32", "Broken")]
