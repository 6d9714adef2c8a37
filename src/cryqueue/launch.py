"""The `cryqueue` entry point. `--version` and `--help` are answered with nothing but `sys`
loaded (argparse alone costs more than Python's own start-up); everything else goes to `cli`."""

from __future__ import annotations

import sys


def main() -> int:
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
