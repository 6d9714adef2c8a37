"""The built wheel carries the seed catalog, so an installed cryqueue can seed a new library.

Builds a wheel with pip (a few seconds here, up to a minute on a cold machine): marked
`packaging`; skip with -m "not packaging"."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pip(command: str, *options: str) -> None:
    """`pip COMMAND OPTIONS .` without build isolation: the hatchling in this venv builds it."""
    pytest.importorskip(
        "hatchling", reason="the build backend must be installed (pip install hatchling)"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pip", command, "--no-deps", "--no-build-isolation",
         "--no-cache-dir", "--quiet", *options, str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.packaging
def test_packaging_wheel_contains_the_seed_catalog(tmp_path: Path) -> None:
    _pip("wheel", "-w", str(tmp_path))
    wheels = list(tmp_path.glob("cryqueue-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
        assert "cryqueue/seed/catalog.json" in names
        assert (
            wheel.read("cryqueue/seed/catalog.json")
            == (ROOT / "seed" / "catalog.json").read_bytes()
        )
        assert {
            "cryqueue/__init__.py",
            "cryqueue/cli/commands.py",
            "cryqueue/domain/catalog.py",
        } <= names
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "cryqueue = cryqueue.launch:main" in wheel.read(entry_points).decode()


@pytest.mark.packaging
def test_packaging_installed_wheel_lists_the_catalog_from_another_folder(tmp_path: Path) -> None:
    """What `pip install .` gives a user: the seed comes from the wheel, not from this checkout."""
    site = tmp_path / "site"
    _pip("install", "--target", str(site))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(site),
        "CRYQUEUE_DB": str(tmp_path / "data" / "cryqueue.db"),
    }
    listed = subprocess.run(
        [sys.executable, "-c",
         "import cryqueue, sys; print(cryqueue.__file__, file=sys.stderr);"
         "from cryqueue.cli.commands import main; sys.exit(main(['list']))"],
        capture_output=True, text=True, timeout=120, cwd=elsewhere, env=env, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert str(site) in listed.stderr
    assert "Miracle in Cell No. 7" in listed.stdout
    assert len([line for line in listed.stdout.splitlines() if line.strip()]) >= 17
