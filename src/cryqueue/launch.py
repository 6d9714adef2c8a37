"""The `cryqueue` entry point. `--version` and `--help` are answered with nothing but `sys`
loaded (argparse alone costs more than Python's own start-up); everything else goes to `cli`."""

from __future__ import annotations

import sys


def main() -> int:
    code = _main()
    if "sqlalchemy" in sys.modules:
        _exit_at_once(code)
    return code


def _main() -> int:
    args = sys.argv[1:]
    if args == ["--version"]:
        from cryqueue import __version__

        sys.stdout.write(f"cryqueue {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        from cryqueue.cli.help_text import TOP_LEVEL_HELP

        sys.stdout.write(TOP_LEVEL_HELP)
        return 0
    from cryqueue.cli.commands import main as cli_main

    return cli_main(args)


def _exit_at_once(code: int) -> None:
    """End the process without tearing the interpreter down, when nothing is left that a
    normal exit waits for (another thread): the command's work is committed and its library
    closed, and unloading SQLAlchemy's modules one object at a time took 0.2 s of every
    command that loaded them. What is registered to run at exit still runs."""
    import atexit
    import os
    import threading
    from contextlib import suppress

    if threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a reader gone (`| head`), a closed stream
            stream.flush()
    os._exit(code)
