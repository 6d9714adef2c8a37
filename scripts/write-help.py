"""Regenerate src/cryqueue/cli/help_text.py from the argparse definition (tests fail when they differ)."""

import os
from pathlib import Path

os.environ["COLUMNS"] = "80"
from cryqueue.cli.parser import build_parser

TARGET = Path(__file__).resolve().parent.parent / "src" / "cryqueue" / "cli" / "help_text.py"
text = build_parser().format_help()
TARGET.write_text(
    '"""`cryqueue --help`, pre-rendered by scripts/write-help.py so that it needs no argparse."""\n\n'
    f"TOP_LEVEL_HELP = {text!r}\n",
    encoding="utf-8",
)
print(f"wrote {TARGET}")
