"""Write files so that a crash never leaves half a file: temp file in the same folder, then
``os.replace`` into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike, mode: str = "wb", encoding: str | None = None, fsync: bool = True
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success move it over ``path``.

    On any exception the temporary file is removed and ``path`` is untouched.
    ``fsync=False`` skips flushing this file to disk (for exports of thousands of files
    that call :func:`sync_all` once at the end instead).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if "b" in mode:
            f = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding=encoding or "utf-8", newline="")
        with f:
            yield f
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | os.PathLike, data: bytes, fsync: bool = True) -> None:
    with atomic_open(path, "wb", fsync=fsync) as f:
        f.write(data)


def sync_all() -> None:
    """Flush every written file to disk at once (where the platform offers it)."""
    if hasattr(os, "sync"):
        os.sync()


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
