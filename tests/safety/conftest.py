"""Fixtures of the data-safety tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest


def _can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_mount(tmp_path):
    """An 8 MB tmpfs (we are root in CI); skipped with a notice elsewhere."""
    if not _can_mount():
        pytest.skip("NOTICE: needs root and mount(8) for a small tmpfs; read-only/full-disk test skipped")
    point = tmp_path / "mnt"
    point.mkdir()
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], capture_output=True)
    if run.returncode != 0:
        pytest.skip(f"NOTICE: cannot mount a tmpfs here ({run.stderr.decode().strip()}); test skipped")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
