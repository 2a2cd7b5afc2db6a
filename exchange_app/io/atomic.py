"""Write files so that a crash never leaves half a file: temp file in the same folder, then
``os.replace`` into place.

The path is resolved first, so a symbolic link keeps pointing where it did and its target
gets the new content (the link itself is never replaced). Device files, pipes and folders
are refused, and so is a folder on a pseudo file system (``/dev``, ``/proc``, ``/sys``);
``/dev/stdout`` (and ``-``) is written as a stream to standard output instead.

Only the app's own files are flushed to disk: each file after writing (``fsync``) and its
folder after the move. Exports of thousands of files pass ``fsync=False`` and call
:func:`sync_all` once at the end, which flushes exactly the files written that way (never
``os.sync()``, which waits for every write on the whole machine).
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from exchange_app.errors import ExchangeError

STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")
PSEUDO_FILESYSTEMS = (Path("/dev"), Path("/proc"), Path("/sys"))

_pending_lock = threading.Lock()
_pending: set[Path] = set()


class UnsafePathError(ExchangeError):
    """A path an export must not write (a device, a pipe, a folder, a pseudo file system)."""

    exit_code = 2


def is_stdout(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path) in STDOUT_NAMES


def safe_target(path: str | os.PathLike[str]) -> Path:
    """The regular file ``path`` stands for (symbolic links followed); raises
    :class:`UnsafePathError` for a device, pipe, socket, folder or pseudo file system."""
    given = Path(path).expanduser()
    target = given.resolve()
    if target.exists() and not target.is_file():
        what = "a folder" if target.is_dir() else _kind(target)
        shown = f"{given} (-> {target})" if target != given.absolute() else str(given)
        raise UnsafePathError(f"Refused to write {shown}: it is {what}, not a regular file.")
    for pseudo in PSEUDO_FILESYSTEMS:
        if target.is_relative_to(pseudo):
            raise UnsafePathError(
                f"Refused to write {given}: {pseudo} is a system folder, not a place for files "
                "(use /dev/stdout or '-' to write to standard output)."
            )
    if target.parent.exists() and not target.parent.is_dir():
        raise UnsafePathError(f"Refused to write {given}: {target.parent} is not a folder.")
    return target


def _kind(path: Path) -> str:
    mode = path.stat().st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "wb", encoding: str | None = None, fsync: bool = True
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success move it over ``path``.

    On any exception the temporary file is removed and ``path`` is untouched.
    ``fsync=False`` defers flushing this file to disk to :func:`sync_all`. ``path``
    ``/dev/stdout`` or ``-`` writes to standard output as a stream.
    """
    if is_stdout(path):
        with _stdout(mode, encoding) as out:
            yield out
        return
    target = safe_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        f: IO[Any]
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
    if fsync:
        _fsync_folder(target.parent)
    else:
        with _pending_lock:
            _pending.add(target)


@contextlib.contextmanager
def _stdout(mode: str, encoding: str | None) -> Iterator[IO[Any]]:
    sys.stdout.flush()
    raw = sys.stdout.buffer
    if "b" in mode:
        yield raw
        raw.flush()
        return
    text = io.TextIOWrapper(raw, encoding=encoding or "utf-8", newline="", write_through=True)
    try:
        yield text
        text.flush()
    finally:
        text.detach()  # leave sys.stdout open


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows, or no permission to read the folder
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes, fsync: bool = True) -> None:
    with atomic_open(path, "wb", fsync=fsync) as f:
        f.write(data)


def sync_all() -> None:
    """Flush to disk every file written with ``fsync=False`` since the last call (and their
    folders); nothing else on the machine."""
    with _pending_lock:
        paths = sorted(_pending)
        _pending.clear()
    folders = set()
    for p in paths:
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:  # replaced or removed since
            continue
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)
        folders.add(p.parent)
    for folder in sorted(folders):
        _fsync_folder(folder)


def pending() -> list[Path]:
    """The files :func:`sync_all` would flush now."""
    with _pending_lock:
        return sorted(_pending)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
