"""Regenerate src/cryqueue/storage/schema_text.py from the models (tests fail when they differ)."""

import shutil
import subprocess
import sys
from pathlib import Path

from cryqueue.storage.schema_source import render

TARGET = Path(__file__).resolve().parent.parent / "src" / "cryqueue" / "storage" / "schema_text.py"
TARGET.write_text(render(), encoding="utf-8")
ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
subprocess.run([ruff, "format", "--quiet", str(TARGET)], check=True)  # as `make lint` wants it
print(f"wrote {TARGET}")
