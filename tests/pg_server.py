"""A throwaway PostgreSQL server for the tests: its own cluster in a fresh folder, on a free local
port, tuned for speed rather than durability, gone again after `stop()` (or at exit).

Each process that calls `start_server` gets a cluster of its own, so pytest-xdist workers never
share one. Where no server can be had, `start_server` says why in one line, for a skip message.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

USER = "cryqueue_test"
INSTALL_HINT = "install postgresql, e.g. 'sudo apt-get install postgresql'"
START_TIMEOUT = 30  # seconds pg_ctl waits for the server to accept connections
PORT_TRIES = 3  # another process may take the free port we picked before the server binds it
SOCKET_PATH_MAX = 100  # a Unix socket's path must fit in sun_path (108 bytes on Linux)


@dataclass(eq=False)  # a server is itself, not its fields
class PgServer:
    """A running cluster. Trust authentication over TCP on 127.0.0.1: URLs carry no password."""

    host: str
    port: int
    user: str
    data_dir: Path
    start_seconds: float  # how long start_server took, for a report header
    _pg_ctl: Path = field(repr=False)
    _work_dir: Path = field(repr=False)
    _run_as: pwd.struct_passwd | None = field(repr=False)
    _owner_pid: int = field(default_factory=os.getpid, repr=False)
    _stopped: bool = field(default=False, repr=False)

    def url(self, dbname: str) -> str:
        """A URL for the database `dbname` on this server."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement on the `postgres` database in autocommit (CREATE DATABASE cannot
        run inside a transaction)."""
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def stop(self) -> None:
        """Stop the server at once (its data is throwaway) and remove its folder. Safe to call
        twice; a forked child that inherited this object leaves the parent's server alone."""
        if self._stopped or os.getpid() != self._owner_pid:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        _stop_cluster(self._pg_ctl, self.data_dir, self._run_as)
        shutil.rmtree(self._work_dir, ignore_errors=True)


def start_server(base: Path, *, autovacuum: bool = True) -> PgServer | str:
    """Start a fresh server in a new folder under `base` (or under /tmp when running as root,
    whose folders the unprivileged server user may not reach). Returns the server, or a one-line
    reason why there is none."""
    started = time.monotonic()
    binaries = find_binaries()
    if binaries is None:
        return f"no PostgreSQL server binaries (initdb, pg_ctl): {INSTALL_HINT}"
    initdb, pg_ctl = binaries
    run_as: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            run_as = pwd.getpwnam("postgres")
        except KeyError:
            return f"running as root, and initdb refuses root, but there is no 'postgres' user to run it as: {INSTALL_HINT}"
    try:
        work_dir = _make_work_dir(base, run_as)
    except OSError as error:
        return f"could not make a folder for PostgreSQL: {error}"
    data_dir, socket_dir = work_dir / "data", work_dir / "sock"
    try:
        socket_dir.mkdir()
        if run_as is not None:
            os.chown(socket_dir, run_as.pw_uid, run_as.pw_gid)
        reason = _init_cluster(initdb, data_dir, work_dir, run_as)
        if reason is None:
            result = _start_cluster(pg_ctl, data_dir, socket_dir, work_dir, run_as, autovacuum)
            if isinstance(result, int):
                server = PgServer(
                    host="127.0.0.1",
                    port=result,
                    user=USER,
                    data_dir=data_dir,
                    start_seconds=time.monotonic() - started,
                    _pg_ctl=pg_ctl,
                    _work_dir=work_dir,
                    _run_as=run_as,
                )
                atexit.register(server.stop)
                return server
            reason = result
    except (OSError, subprocess.SubprocessError) as error:
        reason = f"could not start PostgreSQL: {error}"
    _stop_cluster(pg_ctl, data_dir, run_as)
    shutil.rmtree(work_dir, ignore_errors=True)
    return reason


def find_binaries() -> tuple[Path, Path] | None:
    """initdb and pg_ctl: from `pg_config --bindir`, else the newest Debian-style
    /usr/lib/postgresql/*/bin (not on PATH there), else PATH. pg_config alone (from libpq-dev)
    does not mean the server is installed, so each candidate must hold both."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)],
        reverse=True,
    )
    candidates.extend(versions)
    for bindir in candidates:
        initdb, pg_ctl = bindir / "initdb", bindir / "pg_ctl"
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if on_path[0] is not None and on_path[1] is not None:
        return Path(on_path[0]), Path(on_path[1])
    return None


def _make_work_dir(base: Path, run_as: pwd.struct_passwd | None) -> Path:
    """A fresh folder for the cluster, owned by whoever runs the server: under `base` if that
    user can reach it and the socket path fits, else under /tmp."""
    longest_socket = len(str(base)) + len("/pg-XXXXXXXX/sock/.s.PGSQL.65535.lock")
    parent = base
    if longest_socket > SOCKET_PATH_MAX or (run_as is not None and not _reachable(base, run_as)):
        parent = Path("/tmp") if Path("/tmp").is_dir() else Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="pg-", dir=parent))
    if run_as is not None:
        os.chown(work_dir, run_as.pw_uid, run_as.pw_gid)
    return work_dir


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """Whether `user` may pass through every folder down to `path` (pytest's base temporary
    folder for root is root-only)."""
    path.mkdir(parents=True, exist_ok=True)
    for folder in [path, *path.resolve().parents]:
        mode = folder.stat()
        if mode.st_uid == user.pw_uid:
            bit = 0o100
        elif mode.st_gid == user.pw_gid:
            bit = 0o010
        else:
            bit = 0o001
        if not mode.st_mode & bit:
            return False
    return True


def _run(
    command: list[str], cwd: Path, run_as: pwd.struct_passwd | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool, as `run_as` when given (Python switches user in the child, so
    neither runuser nor su is needed). Output is captured; pg_ctl sends the server's to a log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if run_as is not None:
        env["HOME"] = str(cwd)
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        user=None if run_as is None else run_as.pw_uid,
        group=None if run_as is None else run_as.pw_gid,
        extra_groups=None if run_as is None else [],
    )


def _init_cluster(
    initdb: Path, data_dir: Path, work_dir: Path, run_as: pwd.struct_passwd | None
) -> str | None:
    """initdb, in C.UTF-8 where the system has it, else C. Returns a reason on failure."""
    failure = ""
    for locale in ("C.UTF-8", "C"):
        command = [str(initdb), "-D", str(data_dir), "-A", "trust", "-U", USER]
        command += ["--encoding=UTF8", f"--locale={locale}", "--no-sync"]
        done = _run(command, work_dir, run_as, timeout=120)
        if done.returncode == 0:
            return None
        failure = _last_lines(done.stderr or done.stdout)
        shutil.rmtree(data_dir, ignore_errors=True)  # initdb cleans up, but make sure
    return f"initdb failed: {failure}"


def _start_cluster(
    pg_ctl: Path,
    data_dir: Path,
    socket_dir: Path,
    work_dir: Path,
    run_as: pwd.struct_passwd | None,
    autovacuum: bool,
) -> int | str:
    """Start the server on a free port, trying another if someone takes it first. Returns the
    port, or a reason with the end of the server log."""
    log = data_dir / "server.log"
    reason = ""
    for _ in range(PORT_TRIES):
        port = _free_port()
        options = (
            f"-p {port} -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            f" -c listen_addresses=127.0.0.1 -k {shlex.quote(str(socket_dir))}"
            f" -c max_connections=200 -c autovacuum={'on' if autovacuum else 'off'}"
        )
        command = [str(pg_ctl), "start", "-w", "-t", str(START_TIMEOUT), "-D", str(data_dir)]
        command += ["-l", str(log), "-o", options]
        done = _run(command, work_dir, run_as, timeout=START_TIMEOUT + 10)
        if done.returncode == 0:
            return port
        log_text = log.read_text(errors="replace") if log.exists() else ""
        reason = f"PostgreSQL did not start: {_last_lines(log_text or done.stderr or done.stdout)}"
        if "Address already in use" not in log_text:
            break
        _stop_cluster(pg_ctl, data_dir, run_as)
    return reason


def _stop_cluster(pg_ctl: Path, data_dir: Path, run_as: pwd.struct_passwd | None) -> None:
    """Stop the server in data_dir if one runs there: pg_ctl's immediate shutdown, else (if
    pg_ctl still finds it running) kill the postmaster."""
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return
    with contextlib.suppress(OSError, ValueError, IndexError, subprocess.SubprocessError):
        stop = [str(pg_ctl), "stop", "-m", "immediate", "-w", "-t", "10", "-D", str(data_dir)]
        if _run(stop, data_dir.parent, run_as, timeout=20).returncode == 0:
            return
        status = [str(pg_ctl), "status", "-D", str(data_dir)]
        if _run(status, data_dir.parent, run_as, timeout=10).returncode == 0:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _last_lines(text: str, count: int = 5) -> str:
    """The last few non-empty lines of `text`, joined into one line for a skip message."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "(no output)"


_SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')"
_USER_SCHEMA = f"n.nspname NOT IN {_SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg\\_%'"

# Everything about a database but its rows that a test could change: its tables, columns,
# defaults, constraints, indexes, sequences, functions, triggers, rules, policies, types,
# schemas, extensions, grants, settings, large objects and prepared transactions.
_SHAPE_SQL = f"""
SELECT 'relation', concat_ws(' ', n.nspname, c.relname, c.relkind, c.relowner::regrole,
    c.relacl, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence, c.relreplident,
    CASE WHEN c.relkind = 'i' THEN pg_get_indexdef(c.oid) END)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMA}
UNION ALL
SELECT 'column', concat_ws(' ', n.nspname, c.relname, a.attnum, a.attname,
    format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attisdropped, a.attidentity,
    a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attacl, a.attcollation::regcollation)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND {_USER_SCHEMA}
UNION ALL
SELECT 'constraint', concat_ws(' ', n.nspname, con.conrelid::regclass, con.conname,
    pg_get_constraintdef(con.oid), con.convalidated, con.condeferrable)
FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE {_USER_SCHEMA}
UNION ALL
SELECT 'sequence', concat_ws(' ', s.seqrelid::regclass, s.seqtypid::regtype, s.seqstart,
    s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
FROM pg_sequence s
UNION ALL
SELECT 'function', concat_ws(' ', p.oid::regprocedure, md5(p.prosrc), p.proacl)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER_SCHEMA}
UNION ALL
SELECT 'trigger', concat_ws(' ', t.tgrelid::regclass, t.tgname, t.tgenabled)
FROM pg_trigger t WHERE NOT t.tgisinternal
UNION ALL
SELECT 'event trigger', concat_ws(' ', evtname, evtenabled) FROM pg_event_trigger
UNION ALL
SELECT 'rule', concat_ws(' ', schemaname, tablename, rulename, definition)
FROM pg_rules WHERE schemaname NOT IN {_SYSTEM_SCHEMAS}
UNION ALL
SELECT 'policy', concat_ws(' ', schemaname, tablename, policyname) FROM pg_policies
UNION ALL
SELECT 'type', concat_ws(' ', n.nspname, t.typname, t.typtype)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_USER_SCHEMA}
UNION ALL
SELECT 'schema', concat_ws(' ', n.nspname, n.nspowner::regrole, n.nspacl) FROM pg_namespace n
UNION ALL
SELECT 'extension', concat_ws(' ', extname, extversion) FROM pg_extension
UNION ALL
SELECT 'database', concat_ws(' ', datacl, datconnlimit, datallowconn, datdba::regrole)
FROM pg_database WHERE datname = current_database()
UNION ALL
SELECT 'setting', concat_ws(' ', setrole::regrole, setconfig) FROM pg_db_role_setting
WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
UNION ALL
SELECT 'large objects', count(*)::text FROM pg_largeobject_metadata
UNION ALL
SELECT 'prepared', count(*)::text FROM pg_prepared_xacts WHERE database = current_database()
ORDER BY 1, 2
"""


class DatabasePool:
    """Copies of a template database, one per test. Copying a database (CREATE DATABASE …
    TEMPLATE) costs the server about half a second, so a copy a test is done with is put back
    as the template is, and handed to a later test: its other connections are ended, and if
    nothing but rows changed (the whole shape is compared with the template's), the tables whose
    rows changed (and those that refer to them) are emptied and refilled with the template's
    rows, and its sequences set as the template's. A copy whose shape changed (a test added a
    table, altered a column …) is dropped instead.

    A table's rows changed if its row count or its newest row version (the highest xmin among
    its rows) differs from when the copy was handed out: any insert or update makes a row
    version newer than every one before it, and a delete alone lowers the count. Most tests
    touch a table or two of a dozen, and refilling only those costs the server a third as much.

    The pool keeps a connection to each copy for putting it back (a new one costs the server
    about 8 ms, and reading the shape on it twice that while its catalog caches fill), and
    empties a table with DELETE: a TRUNCATE gives the table and its indexes new files, some
    30 ms for the film table's seventeen rows."""

    def __init__(self, server: PgServer, template: str, prefix: str) -> None:
        self._server = server
        self._template = template
        self._prefix = prefix
        self._names = itertools.count(1)
        self._free: list[str] = []
        self._marks: dict[str, list[tuple[int, int]]] = {}  # per copy: each table's rows, as lent
        self._kept: dict[str, psycopg.Connection[Any]] = {}  # per copy: the pool's connection
        self._admin = psycopg.connect(server.url("postgres"), autocommit=True, connect_timeout=10)
        with psycopg.connect(server.url(template), autocommit=True) as conn:
            self._shape = _shape(conn)
            tables = conn.execute(
                "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                f" WHERE c.relkind IN ('r', 'p') AND {_USER_SCHEMA} ORDER BY 2"
            ).fetchall()
            self._rows: list[tuple[str, bytes]] = []
            for _oid, table in tables:
                with conn.cursor().copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                    self._rows.append((table, b"".join(bytes(chunk) for chunk in copy)))
            # Which tables refer to each table (a TRUNCATE must take them along)
            place = {oid: at for at, (oid, _table) in enumerate(tables)}
            self._referring: dict[int, set[int]] = {at: set() for at in range(len(tables))}
            for referring, referred in conn.execute(
                "SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f'"
            ):
                if referring in place and referred in place:
                    self._referring[place[referred]].add(place[referring])
            sequences = [
                (f"{schema}.{name}", start if last is None else last, last is not None)
                for schema, name, start, last in conn.execute(
                    "SELECT quote_ident(schemaname), quote_ident(sequencename), start_value,"
                    " last_value FROM pg_sequences"
                    f" WHERE schemaname NOT IN {_SYSTEM_SCHEMAS} ORDER BY 1, 2"
                )
            ]
        self._setval = "SELECT " + ", ".join(
            [f"setval('{name}'::regclass, {value}, {called})" for name, value, called in sequences]
            or ["1"]
        )
        self._marks_sql = " UNION ALL ".join(
            f"SELECT {at}, count(*), coalesce(max(xmin::text::bigint), 0) FROM {table}"
            for at, (table, _rows) in enumerate(self._rows)
        )

    def url(self, name: str) -> str:
        return self._server.url(name)

    def take(self) -> str:
        """The name of a database that is, row for row, the template."""
        if self._free:
            return self._free.pop()
        name = f"{self._prefix}_{next(self._names)}"
        self._server.admin(f"CREATE DATABASE {name} TEMPLATE {self._template}")
        conn = self._connection(name)
        self._marks[name] = self._marks_of(conn)
        conn.rollback()  # no transaction is left open on the copy while a test has it
        return name

    def give_back(self, name: str) -> None:
        """Put back a database a test is done with, or drop it if it cannot be put back."""
        if self._put_back(name):
            self._free.append(name)
        else:
            self._marks.pop(name, None)
            self._forget(name)
            self._server.admin(f"DROP DATABASE {name} WITH (FORCE)")

    def close(self) -> None:
        """Drop the databases waiting to be handed out."""
        for name in list(self._kept):
            self._forget(name)
        while self._free:
            self._server.admin(f"DROP DATABASE {self._free.pop()} WITH (FORCE)")
        self._admin.close()

    def _connection(self, name: str) -> psycopg.Connection[Any]:
        if name not in self._kept:
            self._kept[name] = psycopg.connect(self._server.url(name), connect_timeout=10)
        return self._kept[name]

    def _forget(self, name: str) -> None:
        conn = self._kept.pop(name, None)
        if conn is not None:
            conn.close()

    def _marks_of(self, conn: psycopg.Connection[Any]) -> list[tuple[int, int]]:
        found = {at: (count, newest) for at, count, newest in conn.execute(self._marks_sql)}
        return [found[at] for at in range(len(self._rows))]

    def _end_connections(self, name: str, keep: int) -> None:
        """End every connection to `name` but the pool's (`keep`, a backend's pid), on a new
        admin connection if a test ended the pool's own."""
        statement = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s"
        )
        try:
            self._admin.execute(statement, (name, keep))
        except psycopg.OperationalError:
            self._admin.close()
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10)
            self._admin.execute(statement, (name, keep))

    def _put_back(self, name: str) -> bool:
        for _attempt in range(2):
            try:
                return self._reset(name)
            except psycopg.OperationalError:  # the test ended the pool's connection: a new one
                self._forget(name)
            except psycopg.Error:
                return False
        return False

    def _reset(self, name: str) -> bool:
        conn = self._connection(name)
        self._end_connections(name, conn.info.backend_pid)
        conn.execute("SET lock_timeout = '10s'")
        if _shape(conn) != self._shape:
            conn.rollback()
            return False
        lent = self._marks[name]
        changed = {at for at, mark in enumerate(self._marks_of(conn)) if mark != lent[at]}
        while grown := set().union(*(self._referring[at] for at in changed)) - changed:
            changed |= grown
        refill = [self._rows[at] for at in sorted(changed)]
        if refill:
            conn.execute("SET LOCAL session_replication_role = replica")  # any FK order
            for table, rows in refill:
                conn.execute(f"DELETE FROM {table}")
                with conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(rows)
        conn.execute(self._setval)  # even with no row changed: a failed insert moves one
        conn.commit()
        if refill:
            self._marks[name] = self._marks_of(conn)
            conn.rollback()  # no transaction is left open on the copy while a test has it
        return True


def _shape(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(_SHAPE_SQL).fetchall()
