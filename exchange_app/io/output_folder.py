"""Export folders: which folders an export may write into, and writing one so that a failed
export leaves the previous output as it was.

Rules (the CLI and the desktop app's Export dialog both apply them):

* never ``/`` or the home folder itself (an export replaces the folder's content);
* a folder that does not exist, an empty folder, or a folder an earlier export wrote (it
  holds the :data:`MARKER` file) is fine;
* any other non-empty folder needs the user's confirmation (CLI ``--force``, a question in
  the dialog); then the export's files are added to it and nothing else there is touched.

:func:`staged_output` gives a temporary folder beside the target; the export writes there
(each file flushed to disk with ``fsync``: only our own files, never ``os.sync()``) and,
only when all of it was written, the folder is moved into place. On any error the
temporary folder is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from exchange_app.errors import ExchangeError
from exchange_app.naming import plural

MARKER = ".exchange-scheduler-export"
MARKER_TEXT = (
    "This folder was written by Exchange Scheduler. The next export to this folder replaces\n"
    "everything in it; keep your own files elsewhere.\n"
)


class OutputFolderError(ExchangeError):
    """The export folder cannot be used (the message says why)."""


class NeedsConfirmation(OutputFolderError):
    """The folder has files the app did not write; the user must confirm adding to it."""

    def __init__(self, folder: Path, entries: list[str]):
        self.folder = folder
        self.entries = entries
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        super().__init__(
            f"{folder} is not empty and was not written by an export ({plural(len(entries), 'item')}: {shown}). "
            "Choose an empty or new folder, or confirm (--force) to add the export's files to it; "
            "nothing else in it is touched"
        )


def _is_home(path: Path) -> bool:
    try:
        return path == Path.home().resolve()
    except RuntimeError:  # no home folder known
        return False


def check_output_folder(out: Path, *, force: bool = False) -> bool:
    """Refuse a folder an export must not write into. Returns True when the export
    replaces the folder (new, empty or written by an earlier export), False when it adds
    its files to a folder the user confirmed (``force``)."""
    out = Path(out)
    resolved = out.expanduser().resolve()
    if resolved == Path(resolved.anchor):
        raise OutputFolderError(
            f"Refusing to export into {resolved}: choose or create a folder for the export"
        )
    if _is_home(resolved):
        raise OutputFolderError(
            f"Refusing to export into your home folder {resolved} itself: choose or create a folder inside it"
        )
    if not resolved.exists():
        return True
    if not resolved.is_dir():
        raise OutputFolderError(f"{out} is a file, not a folder: choose a folder for the export")
    entries = sorted(e.name for e in resolved.iterdir())
    if not entries or MARKER in entries:
        return True
    if not force:
        raise NeedsConfirmation(out, entries)
    return False


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` (our own files only)."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


@contextlib.contextmanager
def staged_output(out: Path, *, force: bool = False) -> Iterator[Path]:
    """A temporary folder to write an export into; moved into place as ``out`` when the
    block ends without an error, removed (``out`` untouched) when it raises."""
    replace = check_output_folder(out, force=force)
    out = Path(out).expanduser().resolve()
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=parent))
    try:
        yield stage
        if replace:
            (stage / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _fsync_tree(stage)
        if replace:
            _swap_in(stage, out)
        else:
            _merge_in(stage, out)
        _fsync_dir(parent)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, target: Path) -> None:
    """Put ``stage`` where ``target`` is: the old folder is moved aside first and removed
    only once the new one is in place."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(stage, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _merge_in(stage: Path, target: Path) -> None:
    """Move each staged file into ``target`` (a folder the user confirmed), replacing files
    of the same name and leaving everything else there alone."""
    for folder, _dirs, files in os.walk(stage):
        rel = Path(folder).relative_to(stage)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.replace(Path(folder) / name, target / rel / name)
    _fsync_dir(target)


def rebase(paths: list[Path], stage: Path, out: Path) -> list[Path]:
    """Paths written under ``stage`` as they are after the move to ``out``."""
    return [Path(out) / p.relative_to(stage) for p in paths]


__all__ = [
    "MARKER",
    "NeedsConfirmation",
    "OutputFolderError",
    "check_output_folder",
    "rebase",
    "staged_output",
]
