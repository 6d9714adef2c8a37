"""What `cryqueue import PATH` and the app's import dialog read: a file, a ZIP or a folder in
any of the formats cryqueue knows, told apart by their content unless the user says. A ZIP or
folder never drops a file silently: every file it does not read is named, with why."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Literal

from cryqueue.domain.errors import UsageError
from cryqueue.domain.import_records import BY_RANK, ImportBatch
from cryqueue.interop import imdb, letterboxd
from cryqueue.interop import json_format as json_io
from cryqueue.interop.csv_rows import decode
from cryqueue.interop.csv_source import UTF16_BOMS, CsvText, Read, Source, scan

ImportFormat = Literal["auto", "cryqueue", "letterboxd", "imdb"]
# Limits on what an import reads, counted as bytes actually read (a device or a ZIP member can
# claim any size): far above the largest real export, far below what would exhaust memory.
MAX_BYTES = 1 << 30  # one file, or all the files of a folder or ZIP together
MAX_MEMBER = 256 << 20  # one file unpacked from a ZIP
MAX_ZIP_BYTES = 256 << 20  # all of a ZIP's files unpacked (a Letterboxd export is a few MB)
MAX_RATIO = 100  # unpacked size over packed size, for a member over RATIO_FROM bytes
RATIO_FROM = 16 << 20


def load(path: Path, fmt: ImportFormat = "auto", ranking: str | None = None) -> ImportBatch:
    """Read and check everything an import asks for, writing nothing. `ranking`: the list whose
    order becomes the personal ranking (a name, or "" for the one list given)."""
    path = path.expanduser()
    if path.is_dir():
        _expect(fmt, "letterboxd", f"{path} is a folder")
        files, ignored = _folder_files(path)
        return letterboxd.parse(files, ranking, ignored=ignored)
    _refuse_non_regular(path)
    if zipfile.is_zipfile(path):  # read member by member, never whole
        _expect(fmt, "letterboxd", f"{path.name} is a ZIP file")
        try:
            files, ignored = _zip_files(path)
            return letterboxd.parse(files, ranking, ignored=ignored)
        except UsageError as exc:
            raise UsageError(f"{path.name}: {exc}") from None
    head = _read(path, JSON_START)
    if head.startswith(b"PK\x03\x04"):
        raise UsageError(
            f"{path.name} is a damaged or incomplete ZIP file; download the export again"
        )
    if fmt == "cryqueue" or (fmt == "auto" and _is_json(path.name, head)):
        if ranking is not None:
            raise UsageError(
                "--ranking is for Letterboxd and IMDb lists; a cryqueue export "
                "always brings its own ranking"
            )
        records = json_io.DocumentRecords(path, MAX_BYTES, where=str(path))
        return ImportBatch([], BY_RANK, described=f"cryqueue {path.name}", stream=records)
    text = scan(_file_source(path, path.name, MAX_BYTES))
    if fmt == "auto":
        fmt = _sniff(text)
    if fmt == "imdb":
        return imdb.parse(text, ranked=ranking is not None)
    return letterboxd.parse([text], ranking, single=True)


JSON_START = 4096  # bytes read to tell a JSON export from a CSV file


def _is_json(name: str, head: bytes) -> bool:
    """A cryqueue export: a .json file, or one that starts as a JSON object or array."""
    start = head[:JSON_START].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start[:1] in (b"{", b"[") or name.casefold().endswith(".json")


def _sniff(text: CsvText) -> ImportFormat:
    """The format of a file by its start (a UTF-16 file by all of it, as its decoding needs)."""
    name = text.name
    if text.raw_head.startswith(UTF16_BOMS):
        start = text.checked().head
    else:
        start = decode(name, _sample(text), [])
    if imdb.looks_like(start):
        return "imdb"
    if letterboxd.kind_of(name, start) is not None:
        return "letterboxd"
    raise UsageError(
        f"cannot tell what kind of file {name} is; give --format cryqueue, letterboxd or imdb"
    )


SAMPLE = 65536  # bytes enough to tell a file's kind by its header


def _sample(text: CsvText) -> bytes:
    """The start of a file, cut after a line break so that no character is cut in two (a cut
    inside a Hangul syllable would make valid UTF-8 look like Windows-1252)."""
    data = text.raw_head
    if text.size <= SAMPLE:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE)
    return data[: cut + 1] if cut >= 0 else data[:SAMPLE]


def _expect(fmt: ImportFormat, wanted: ImportFormat, what: str) -> None:
    if fmt not in ("auto", wanted):
        raise UsageError(f"{what}; only a Letterboxd export comes as one, not --format {fmt}")


def _refuse_non_regular(path: Path) -> None:
    """A device, pipe or socket is refused before it is opened: /dev/zero never ends, and a
    pipe with no writer never starts."""
    if path.exists() and not path.is_file():
        raise UsageError(
            f"{path} is not a regular file (a device, pipe or socket); give an export file"
        )


def _read(path: Path, limit: int) -> bytes:
    """The first `limit` bytes of a regular file."""
    with _file_source(path, path.name, limit).opener() as read:
        return read(limit)


def _file_source(path: Path, name: str, limit: int) -> Source:
    """A regular file, as `name`; more than `limit` bytes of it is refused."""
    _refuse_non_regular(path)

    @contextmanager
    def opener() -> Iterator[Read]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise _unreadable(path, exc) from None
        with handle:
            yield _guarded(handle.read, OSError, lambda exc: _unreadable(path, exc))

    return Source(name, opener, limit, f"{path.name} is larger than {limit >> 20} MiB")


def _unreadable(path: Path, exc: BaseException) -> UsageError:
    return UsageError(f"cannot read {path}: {getattr(exc, 'strerror', exc)}")


def _guarded(
    read: Read,
    errors: type[BaseException] | tuple[type[BaseException], ...],
    said: Callable[[BaseException], UsageError],
) -> Read:
    """`read`, its `errors` raised as the one-line UsageError `said` makes of them."""

    def reading(size: int) -> bytes:
        try:
            return read(size)
        except errors as exc:
            raise said(exc) from None

    return reading


# The export's own folders; any other folder is named as ignored, never searched through (the
# user may have given a folder such as Documents).
EXPORT_FOLDERS = ("lists", *letterboxd.NOT_FILM_FOLDERS)
NOT_CSV = "not a CSV file"
MAC_METADATA = "__MACOSX"  # what macOS's Archive Utility adds to a ZIP: not the user's files


def _folder_files(folder: Path) -> tuple[list[CsvText], list[tuple[str, str]]]:
    """The export's CSV files, and the files left out, with why. Files the export keeps apart
    (likes/, deleted/…) are not read: only their names are needed."""
    entries = sorted(folder.iterdir())
    for sub in [e for e in entries if e.is_dir() and e.name in EXPORT_FOLDERS]:
        entries += sorted(sub.iterdir())
    wanted: list[Path] = []
    ignored: list[tuple[str, str]] = []
    for entry in entries:
        name = entry.relative_to(folder).as_posix()
        if entry.is_dir():
            if entry.parent != folder or entry.name not in EXPORT_FOLDERS:
                ignored.append((f"{name}/", "a folder that is not part of a Letterboxd export"))
            continue
        why = _left_out(name)
        if why is None:
            wanted.append(entry)
        else:
            ignored.append((name, why))
    files: list[CsvText] = []
    budget = MAX_BYTES  # for all the files together, counted as they are read
    for path in wanted:
        if budget <= 0:
            raise UsageError(f"{folder} holds more than 1 GiB of CSV files; import them in parts")
        text = scan(_file_source(path, path.relative_to(folder).as_posix(), budget))
        budget -= text.size
        files.append(text)
    return files, ignored


def _left_out(name: str) -> str | None:
    """Why a file of a ZIP or folder is not read, or None to read it."""
    path = PurePosixPath(name)
    if path.parts[0] == MAC_METADATA:
        return "macOS metadata, not an export file"
    if path.suffix.casefold() != ".csv":
        return NOT_CSV
    return letterboxd.left_out(name)


def _zip_files(path: Path) -> tuple[list[CsvText], list[tuple[str, str]]]:
    """The CSV members, named relative to the export's top folder (some tools add one), and
    the members left out, with why."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            names = [PurePosixPath(i.filename) for i in members]
            top = _common_top([n for n in names if n.parts[0] != MAC_METADATA])
            wanted: list[tuple[str, zipfile.ZipInfo]] = []
            ignored: list[tuple[str, str]] = []
            for name, info in zip(names, members, strict=True):
                inner = (name.relative_to(top) if top in name.parents else name).as_posix()
                why = _left_out(inner)
                if why is None:
                    wanted.append((inner, info))
                else:
                    ignored.append((inner, why))
        files: list[CsvText] = []
        # All members together may unpack to MAX_ZIP_BYTES, and to at most MAX_RATIO times
        # the archive's size: many small bombs add up like one big one.
        budget = min(MAX_ZIP_BYTES, max(RATIO_FROM, MAX_RATIO * path.stat().st_size))
        for inner, info in wanted:
            text = scan(_member_source(path, inner, info, budget))
            budget -= text.size
            files.append(text)
        return files, ignored
    except ZIP_ERRORS as exc:
        raise _broken_zip(exc) from None


ZIP_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
    NotImplementedError, zlib.error,
)  # fmt: skip


def _broken_zip(exc: BaseException) -> UsageError:
    return UsageError(f"the ZIP file cannot be read ({exc}); download the export again")


def _member_source(path: Path, inner: str, info: zipfile.ZipInfo, budget: int) -> Source:
    """A member, counted as it unpacks: a member that unpacks past MAX_MEMBER, past what the
    whole import may read, or to far more than it packs to (a ZIP bomb) is refused without
    unpacking the rest."""
    limit = min(MAX_MEMBER, budget)
    if info.file_size > RATIO_FROM:
        limit = min(limit, max(RATIO_FROM, MAX_RATIO * info.compress_size))

    @contextmanager
    def opener() -> Iterator[Read]:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(info) as member:
                yield _guarded(member.read, ZIP_ERRORS, _broken_zip)
        except ZIP_ERRORS as exc:
            raise _broken_zip(exc) from None

    too_big = (
        f"{info.filename} unpacks to more than this import may read "
        f"({limit >> 20} MiB; a damaged export or a ZIP bomb)"
    )
    return Source(inner, opener, limit, too_big)


def _common_top(names: list[PurePosixPath]) -> PurePosixPath:
    """The one folder every member is in, if there is one and it is not the export's own."""
    tops = {n.parts[0] for n in names if len(n.parts) > 1}
    if len(tops) == 1 and all(len(n.parts) > 1 for n in names):
        top = PurePosixPath(tops.pop())
        if top.name not in EXPORT_FOLDERS:
            return top
    return PurePosixPath("/")  # no member's parent
