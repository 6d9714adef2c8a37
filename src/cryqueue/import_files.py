"""What `cryqueue import PATH` and the app's import dialog read: a file, a ZIP or a folder in
any of the formats cryqueue knows, told apart by their content unless the user says."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Literal

from . import imdb, json_io, letterboxd
from .errors import UsageError
from .records import ImportBatch

ImportFormat = Literal["auto", "cryqueue", "letterboxd", "imdb"]
MAX_BYTES = 1 << 30


def load(path: Path, fmt: ImportFormat = "auto", ranking: str | None = None) -> ImportBatch:
    """Read and check everything an import asks for, writing nothing. `ranking`: the list whose
    order becomes the personal ranking (a name, or "" for the one list given)."""
    path = path.expanduser()
    if path.is_dir():
        _expect(fmt, "letterboxd", f"{path} is a folder")
        return letterboxd.parse(_folder_files(path), ranking)
    data = _read(path)
    if zipfile.is_zipfile(path):
        _expect(fmt, "letterboxd", f"{path.name} is a ZIP file")
        try:
            return letterboxd.parse(_zip_files(path), ranking)
        except UsageError as exc:
            raise UsageError(f"{path.name}: {exc}") from None
    if data.startswith(b"PK\x03\x04"):
        raise UsageError(
            f"{path.name} is a damaged or incomplete ZIP file; download the export again"
        )
    if fmt == "auto":
        fmt = _sniff(path.name, data)
    if fmt == "cryqueue":
        if ranking is not None:
            raise UsageError(
                "--ranking is for Letterboxd and IMDb lists; a cryqueue export "
                "always brings its own ranking"
            )
        try:
            records = json_io.parse_document(data)
        except UsageError as exc:
            raise UsageError(f"{path}: {exc}") from None
        return ImportBatch(records, ranking=range(len(records)), described=f"cryqueue {path.name}")
    if fmt == "imdb":
        return imdb.parse(path.name, data, ranked=ranking is not None)
    return letterboxd.parse([(path.name, data)], ranking)


def _sniff(name: str, data: bytes) -> ImportFormat:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"[") or name.casefold().endswith(".json"):
        return "cryqueue"
    text = data[:65536].decode("utf-8-sig", errors="replace")
    if imdb.looks_like(text):
        return "imdb"
    if letterboxd.kind_of(name, text) is not None:
        return "letterboxd"
    raise UsageError(
        f"cannot tell what kind of file {name} is; give --format cryqueue, letterboxd or imdb"
    )


def _expect(fmt: ImportFormat, wanted: ImportFormat, what: str) -> None:
    if fmt not in ("auto", wanted):
        raise UsageError(f"{what}; only a Letterboxd export comes as one, not --format {fmt}")


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UsageError(f"{path.name} is larger than 1 GiB; split it and import the parts")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _folder_files(folder: Path) -> list[tuple[str, bytes]]:
    # The export's own layout only: a folder such as Documents is not searched all through.
    files = sorted(p for p in [*folder.glob("*.csv"), *folder.glob("lists/*.csv")] if p.is_file())
    if sum(p.stat().st_size for p in files) > MAX_BYTES:
        raise UsageError(f"{folder} holds more than 1 GiB of CSV files; import them in parts")
    return [(p.relative_to(folder).as_posix(), _read(p)) for p in files]


def _zip_files(path: Path) -> list[tuple[str, bytes]]:
    """The CSV members, named relative to the export's top folder (some tools add one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.endswith(".csv")]
            if sum(i.file_size for i in members) > MAX_BYTES:
                raise UsageError("it unpacks to more than 1 GiB; unpack it and import the parts")
            names = [PurePosixPath(i.filename) for i in members]
            top = _common_top(names)
            return [
                (n.relative_to(top).as_posix() if top else n.as_posix(), archive.read(i))
                for n, i in zip(names, members, strict=True)
            ]
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
        NotImplementedError, zlib.error,
    ) as exc:  # fmt: skip
        raise UsageError(
            f"the ZIP file cannot be read ({exc}); download the export again"
        ) from None


def _common_top(names: list[PurePosixPath]) -> PurePosixPath | None:
    tops = {n.parts[0] for n in names if len(n.parts) > 1}
    if len(tops) == 1 and all(len(n.parts) > 1 for n in names):
        top = PurePosixPath(tops.pop())
        if top.name != "lists":
            return top
    return None
