"""Files that are not plain files: a symlink keeps being a link and its target gets the bytes; a
character device, named pipe or socket is written in place as a stream, never replaced; a pipe
nobody reads is a one-line error, not a hang. Everything here lives in tmp_path (never /dev)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from cryqueue.domain.errors import CryqueueError
from cryqueue.storage import files
from cryqueue.storage.config import load_config, save_config


def ranking(cli: Any) -> bytes:
    """The bytes `cryqueue export` writes for the test library."""
    code, out, _err = cli("export", "-o", "-")
    assert code == 0
    return str(out).encode("utf-8")


def film_count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count: int = conn.execute("SELECT count(*) FROM film").fetchone()[0]
        return count
    finally:
        conn.close()


def names(folder: Path) -> list[str]:
    """The folder's files, less the database's own (its -wal and -shm come and go)."""
    return sorted(name for name in os.listdir(folder) if not name.startswith("cq.db"))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def deadline(seconds: int = 10) -> Iterator[None]:
    """Fail the test instead of hanging it if cryqueue blocks."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def fifo_reader(path: Path) -> Iterator[list[bytes]]:
    """A program reading the named pipe, like `cat PATH`; the list holds what it read once the
    block ends. A second write end is held open meanwhile, so the reader does not see
    end-of-file before cryqueue has written."""
    read_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(read_fd, True)
    hold = os.open(path, os.O_WRONLY)
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        yield chunks
    finally:
        os.close(hold)
        thread.join(10)
        os.close(read_fd)
    assert not thread.is_alive(), "the writer never closed the pipe"


@contextmanager
def socket_listener(path: Path) -> Iterator[list[bytes]]:
    """A program accepting one connection on a Unix socket at `path` and reading it to the end."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    server.settimeout(10)
    chunks: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                chunks.append(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield chunks
    finally:
        thread.join(10)
        server.close()


def pretend_kind(
    monkeypatch: pytest.MonkeyPatch, path: Path, kind: files.FileKind
) -> Callable[[Path], files.FileKind]:
    """Make cryqueue see the plain file `path` as `kind` (a device node needs root to make)."""
    real = files.file_kind

    def fake(candidate: Path) -> files.FileKind:
        return kind if candidate == path else real(candidate)

    monkeypatch.setattr(files, "file_kind", fake)
    return fake


# symlinks --------------------------------------------------------------------------------------


def test_export_through_a_chain_of_links_writes_the_final_target(cli: Any, tmp_path: Path) -> None:
    real = tmp_path / "shared" / "ranking.md"
    real.parent.mkdir()
    real.write_text("last year's ranking, much longer than the new one " * 200)
    real.chmod(0o644)
    middle = tmp_path / "middle.md"
    middle.symlink_to(real)
    link = tmp_path / "link.md"
    link.symlink_to("middle.md")  # relative, as `ln -s` makes them

    code, out, err = cli("export", "-o", link)

    assert (code, err) == (0, "")
    assert out == f"Exported to {real}.\n"
    assert os.readlink(link) == "middle.md" and os.readlink(middle) == str(real)
    assert real.read_bytes() == ranking(cli)
    assert mode_of(real) == 0o600  # a replaced export is private like any other
    assert sorted(os.listdir(real.parent)) == ["ranking.md"]


def test_export_through_a_link_to_a_folder_uses_the_default_name(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (tmp_path / "to-exports").symlink_to(folder)
    assert cli("export", "-o", tmp_path / "to-exports")[0] == 0
    assert os.listdir(folder) == ["cryqueue-ranking.md"]


def test_export_through_a_dangling_link_creates_its_target(cli: Any, tmp_path: Path) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to("archive/2024.md")
    (tmp_path / "archive").mkdir()

    code, _out, err = cli("export", "-o", link)

    assert (code, err) == (0, ""), err
    assert link.is_symlink() and os.readlink(link) == "archive/2024.md"
    assert (tmp_path / "archive" / "2024.md").read_bytes() == ranking(cli)
    assert mode_of(tmp_path / "archive" / "2024.md") == 0o600


def test_a_dangling_link_into_a_missing_folder_is_refused_and_kept(
    cli: Any, tmp_path: Path
) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to(tmp_path / "nowhere" / "x.md")
    code, out, err = cli("export", "-o", link)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "nowhere does not exist" in err
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_loop_of_links_is_a_one_line_error(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to("b.md")
    (tmp_path / "b.md").symlink_to("a.md")
    code, _out, err = cli("export", "-o", tmp_path / "a.md")
    assert code == 1 and err.count("\n") == 1
    assert "symbolic links" in err
    assert os.readlink(tmp_path / "a.md") == "b.md" and os.readlink(tmp_path / "b.md") == "a.md"


def test_config_kept_as_a_link_into_a_dotfiles_folder(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "cryqueue.json"
    dotfiles.parent.mkdir()
    dotfiles.write_text('{"editor": "vim"}')
    link = tmp_path / "config" / "config.json"
    link.parent.mkdir()
    link.symlink_to(dotfiles)

    save_config({"theme": "nord"}, link)

    assert link.is_symlink() and link.resolve() == dotfiles
    assert json.loads(dotfiles.read_text()) == {"editor": "vim", "theme": "nord"}
    assert load_config(link)["theme"] == "nord"
    assert mode_of(dotfiles) == 0o600


# long names ------------------------------------------------------------------------------------


def test_a_name_at_the_length_limit_still_works(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    name = "r" * 250 + ".md"  # 253 bytes: legal, but no room for the name inside a temp name
    code, _out, err = cli("export", "-o", folder / name)
    assert (code, err) == (0, "")
    assert os.listdir(folder) == [name]
    assert (folder / name).read_bytes() == ranking(cli)


# named pipes -----------------------------------------------------------------------------------


def test_export_into_a_named_pipe_reaches_its_reader(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o640)
    expected = ranking(cli)

    with deadline(), fifo_reader(fifo) as received:
        code, out, err = cli("export", "-o", fifo)

    assert code == 0
    assert b"".join(received) == expected
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and mode_of(fifo) == 0o640
    assert out == "" and err == f"Exported to {fifo}.\n"  # the note stays out of the stream
    assert names(tmp_path) == ["pipe"]


def test_a_named_pipe_nobody_reads_is_an_error_not_a_hang(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    with deadline():
        code, out, err = cli("export", "-o", fifo)
        with pytest.raises(CryqueueError, match="no program is reading"):
            files.write_export(fifo, "json", "{}")  # what the app calls

    assert (code, out) == (1, "")
    assert err == (
        f"cryqueue: cannot write {fifo}: no program is reading that named pipe; "
        "start the reader first, then try again\n"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert names(tmp_path) == ["pipe"]


def test_backup_into_a_named_pipe_streams_a_whole_database(
    cli: Any, tmp_path: Path, db_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    with deadline(), fifo_reader(fifo) as received:
        code, _out, err = cli("backup", fifo)

    assert code == 0, err
    copy = tmp_path / "received.db"
    copy.write_bytes(b"".join(received))
    assert film_count(copy) == film_count(db_path)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert names(tmp_path) == ["pipe", "received.db"]  # no snapshot left behind


# character devices -----------------------------------------------------------------------------


def test_export_into_a_character_device_leaves_the_node(cli: Any, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node with mknod needs root")
    node = tmp_path / "sink"
    try:  # the null device's numbers, as a node of our own inside tmp_path
        os.mknod(node, stat.S_IFCHR | 0o620, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this container may not make device nodes (no CAP_MKNOD)")
    node.chmod(0o620)  # past the umask
    before = os.lstat(node)

    code, out, err = cli("export", "-o", node)

    assert code == 0, err
    assert out == "" and err == f"Exported to {node}.\n"
    after = os.lstat(node)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert mode_of(node) == 0o620  # never chmodded
    assert names(tmp_path) == ["sink"]


def test_a_device_is_written_in_place_without_temp_file_or_rename(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The twin of the test above that runs everywhere: a plain file cryqueue takes for a device."""
    node = tmp_path / "device"
    node.touch(mode=0o644)
    node.chmod(0o644)
    inode = node.stat().st_ino
    expected = ranking(cli)
    pretend_kind(monkeypatch, node, "device")

    def forbidden(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a device must not be replaced")

    for name in ("replace", "rename", "unlink"):
        monkeypatch.setattr(os, name, forbidden)
    monkeypatch.setattr(tempfile, "mkstemp", forbidden)

    code, out, err = cli("export", "-o", node)

    assert code == 0, err
    assert out == "" and err == f"Exported to {node}.\n"
    assert node.stat().st_ino == inode and mode_of(node) == 0o644
    assert node.read_bytes() == expected
    assert names(tmp_path) == ["device"]


def test_a_block_device_is_refused(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = tmp_path / "disk"
    disk.write_text("a whole file system")
    pretend_kind(monkeypatch, disk, "other")
    code, _out, err = cli("export", "-o", disk)
    assert code == 1 and err.count("\n") == 1 and "block device" in err
    assert disk.read_text() == "a whole file system"


# sockets ---------------------------------------------------------------------------------------


def test_export_into_a_socket_reaches_its_listener(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    expected = ranking(cli)
    with deadline(), socket_listener(path) as received:
        code, _out, err = cli("export", "-o", path)
    assert code == 0, err
    assert b"".join(received) == expected
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_socket_nobody_listens_on_is_a_one_line_error(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(str(path))  # the file stays after its listener has gone
    with deadline():
        code, _out, err = cli("export", "-o", path)
    assert code == 1
    assert err == (
        f"cryqueue: cannot write {path}: nothing is listening on that socket; "
        "start the listener first, then try again\n"
    )
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


# backups ---------------------------------------------------------------------------------------


def test_backup_onto_a_dangling_link_keeps_the_link(
    cli: Any, tmp_path: Path, db_path: Path
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    link = tmp_path / "latest.bak"
    link.symlink_to(vault / "cq.bak")

    code, out, err = cli("backup", link)

    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(vault / "cq.bak")
    assert f"to {vault / 'cq.bak'}." in out
    assert film_count(vault / "cq.bak") == film_count(db_path)
    assert mode_of(vault / "cq.bak") == 0o600
    assert names(tmp_path) == ["latest.bak", "vault"]


def test_backup_through_a_link_never_overwrites_its_target(cli: Any, tmp_path: Path) -> None:
    kept = tmp_path / "kept.bak"
    kept.write_text("an older backup")
    link = tmp_path / "latest.bak"
    link.symlink_to(kept)
    code, _out, err = cli("backup", link)
    assert code == 1 and "already exists" in err and err.count("\n") == 1
    assert link.is_symlink() and kept.read_text() == "an older backup"
    assert names(tmp_path) == ["kept.bak", "latest.bak"]


def test_backup_into_a_folder_makes_a_dated_file_there(
    cli: Any, tmp_path: Path, db_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    code, out, err = cli("backup", folder)
    assert code == 0, err
    [made] = folder.iterdir()
    assert made.name.startswith("cq.db.backup-") and made.name.endswith(".bak")
    assert str(made) in out
    assert film_count(made) == film_count(db_path) and mode_of(made) == 0o600
