"""Backups of a database, and restoring one.

SQLite: a consistent copy made with the sqlite3 backup API (safe while the app has the
file open), written to a temporary name and moved into place, in ``backups/`` beside the
database: ``programs.20261125-083412.before-solve.db``. The newest N are kept (default
10; ``EXCHANGE_BACKUPS_KEEP`` or the ``keep`` argument).

PostgreSQL: ``pg_dump --format=custom`` into the user data folder
(``backups/<host>-<port>-<database>/``) when ``pg_dump`` is installed; otherwise nothing is
written here and the server's own backups are what protects the data (see
``docs/backups.md``). Restoring uses ``pg_restore --clean --single-transaction``.

Restoring first backs up the current state (reason ``before-restore``), so a restore can
itself be undone.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from exchange_app.errors import BackupError, DiskFullError, NotFoundError
from exchange_app.storage.engine import data_dir, database_url, private_folder, sqlite_path
from exchange_app.storage.errors import free_bytes, size_text, translated

DEFAULT_KEEP = 10
KEEP_ENV = "EXCHANGE_BACKUPS_KEEP"
REASONS = ("manual", "before-migration", "before-solve", "before-restore", "before-import")
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}-\d{6}(?:-\d+)?)\.(?P<reason>[a-z-]+)\.(?P<ext>db|dump)$")


__all__ = ["BackupError", "BackupInfo", "create_backup", "good_backups", "list_backups", "restore_backup"]
# Room a backup needs beyond the database's own size (SQLite pages, the journal).
BACKUP_MARGIN = 1 << 20
DAMAGED_FOLDER = "damaged"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file."""

    path: Path
    created_at: datetime  # UTC, from the file name
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def backups_to_keep(keep: int | None = None) -> int:
    """How many backups to keep: ``keep``, else ``EXCHANGE_BACKUPS_KEEP``, else 10 (at least 1)."""
    if keep is None:
        try:
            keep = int(os.environ.get(KEEP_ENV, DEFAULT_KEEP))
        except ValueError:
            keep = DEFAULT_KEEP
    return max(1, keep)


# --------------------------------------------------------------------------- where


def _url(db: str | os.PathLike[str] | URL) -> URL:
    return db if isinstance(db, URL) else database_url(db)


def backup_folder(db: str | os.PathLike[str] | URL) -> Path:
    """The folder holding ``db``'s backups."""
    url = _url(db)
    path = sqlite_path(url)
    if path is not None:
        return path.parent / "backups"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{url.host or 'local'}-{url.port or 5432}-{url.database or ''}")
    return data_dir() / "backups" / safe


def _stem(url: URL) -> str:
    path = sqlite_path(url)
    return path.stem if path is not None else (url.database or "database")


def parse_name(path: Path) -> BackupInfo | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    stamp = m["stamp"][:15]
    try:
        created = datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path=path, created_at=created, reason=m["reason"], size=size)


def list_backups(db: str | os.PathLike[str] | URL) -> list[BackupInfo]:
    """``db``'s backups, newest first."""
    url = _url(db)
    folder = backup_folder(url)
    stem = _stem(url)
    if not folder.is_dir():
        return []
    infos = [
        i for p in folder.iterdir() if (i := parse_name(p)) is not None and p.name.startswith(stem + ".")
    ]
    return sorted(infos, key=_order, reverse=True)


def _order(info: BackupInfo) -> tuple[datetime, int, str]:
    """Oldest first: by time, then by the counter of backups made within one second."""
    m = _NAME.match(info.path.name)
    seq = int(m["stamp"][16:] or 1) if m else 0
    return info.created_at, seq, info.path.name


def find_backup(db: str | os.PathLike[str] | URL, name: str | os.PathLike[str]) -> BackupInfo:
    """A backup given by file name (in the backup folder), by path, or ``latest``."""
    infos = list_backups(db)
    text = os.fspath(name)
    if text == "latest":
        if not infos:
            raise NotFoundError("There are no backups of this database yet.")
        return infos[0]
    for i in infos:
        if i.path.name == text or str(i.path) == text:
            return i
    path = Path(text).expanduser()
    if path.is_file():
        info = parse_name(path)
        return info or BackupInfo(
            path=path.resolve(),
            created_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            reason="file",
            size=path.stat().st_size,
        )
    listing = ", ".join(i.name for i in infos[:5]) or "none"
    raise NotFoundError(f"No backup named {text!r}; newest backups: {listing}.")


# --------------------------------------------------------------------------- making


def create_backup(
    db: str | os.PathLike[str] | URL,
    reason: str = "manual",
    keep: int | None = None,
    engine: Engine | None = None,
) -> BackupInfo | None:
    """Back up ``db`` now; returns the backup, or None for a PostgreSQL database when
    ``pg_dump`` is not installed or older than the server (and for an SQLite file that
    does not exist yet).
    Older backups beyond ``keep`` are removed afterwards."""
    url = _url(db)
    folder = backup_folder(url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    if path is None and pg_tool("pg_dump") is None:
        return None
    if path is not None:
        from exchange_app.storage.health import check_sound

        check_sound(path, engine)  # a damaged file is never backed up (and never rotates a good one out)
        need_room(folder, path.stat().st_size + BACKUP_MARGIN, f"a backup of {path.name}")
    private_folder(folder)
    target = _new_name(folder, _stem(url), reason, "db" if path is not None else "dump")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        with translated(url):
            if path is not None:
                _sqlite_copy(path, Path(tmp))
            elif not _pg_dump(url, Path(tmp)):
                os.unlink(tmp)
                return None
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    prune(url, keep)
    return parse_name(target)


def need_room(folder: Path, needed: int, what: str) -> None:
    """Refuse (:class:`DiskFullError`) before starting when ``folder``'s disk has less than
    ``needed`` bytes free."""
    free = free_bytes(folder)
    if free is not None and free < needed:
        raise DiskFullError(
            f"Not enough free space for {what}: {size_text(free)} free in {folder}, about "
            f"{size_text(needed)} needed. Free some space and try again; nothing was changed.",
            str(folder),
        )


def good_backups(db: str | os.PathLike[str] | URL, limit: int = 4) -> list[BackupInfo]:
    """Up to ``limit`` sound backups of an SQLite database, newest first (each passes
    ``PRAGMA quick_check``)."""
    from exchange_app.storage.health import quick_check

    found = []
    for info in list_backups(db):
        if info.path.suffix == ".db" and quick_check(info.path) is None:
            found.append(info)
            if len(found) >= limit:
                break
    return found


def _new_name(folder: Path, stem: str, reason: str, ext: str) -> Path:
    reason = re.sub(r"[^a-z-]+", "-", reason.lower()).strip("-") or "manual"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    # Backups made within one second get a counter above every one already there (also
    # pruned ones' successors), so names sort in the order they were made.
    taken = [m for p in folder.glob(f"{glob.escape(stem)}.{stamp}*") if (m := _NAME.match(p.name))]
    n = max((int(m["stamp"][16:] or 1) for m in taken), default=0) + 1
    return folder / (f"{stem}.{stamp}.{reason}.{ext}" if n == 1 else f"{stem}.{stamp}-{n}.{reason}.{ext}")


def prune(db: str | os.PathLike[str] | URL, keep: int | None = None) -> list[Path]:
    """Remove all but the newest ``keep`` backups; returns what was removed."""
    removed = []
    for info in list_backups(db)[backups_to_keep(keep) :]:
        with contextlib.suppress(FileNotFoundError):
            info.path.unlink()
            removed.append(info.path)
    return removed


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` (readers and writers may be active) into ``target``."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        dst.commit()
    finally:
        dst.close()
        src.close()
    with open(target, "rb") as f:
        os.fsync(f.fileno())


def integrity_problem(path: Path) -> str | None:
    """None when ``path`` is a sound SQLite database, else what is wrong."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return str(e)
    result = [r[0] for r in rows]
    return None if result == ["ok"] else "; ".join(result[:5])


# --------------------------------------------------------------------------- restoring


def restore_backup(
    db: str | os.PathLike[str] | URL, backup: str | os.PathLike[str], keep: int | None = None
) -> BackupInfo | None:
    """Make ``db`` equal to ``backup`` (a name in the backup folder, a path, or ``latest``).

    The current state is backed up first (reason ``before-restore``; returned). For SQLite
    the copy goes into the live file through the backup API, in one transaction, so open
    connections see either the old or the restored database; callers should dispose their
    engines and migrate (the backup may hold an older schema).
    """
    url = _url(db)
    info = find_backup(url, backup)
    path = sqlite_path(url)
    if path is not None:
        problem = integrity_problem(info.path)
        if problem:
            raise BackupError(f"{info.path.name} is not a sound database ({problem}); nothing was restored.")
        from exchange_app.storage.health import quick_check

        if path.exists() and quick_check(path) is not None:
            # A damaged file is not backed up (it would count as a backup): it is moved
            # aside to backups/damaged/ and the backup copied into its place.
            _replace_damaged(path, info.path, backup_folder(url) / DAMAGED_FOLDER)
            return None
        # Keep the backup to restore even if pruning would remove it.
        safety = create_backup(
            url, "before-restore", keep=max(backups_to_keep(keep), len(list_backups(url)) + 1)
        )
        with translated(url):
            src = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
            dst = sqlite3.connect(path)
            try:
                dst.execute("PRAGMA busy_timeout=10000")
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        prune(url, keep)
        return safety
    tool = pg_tool("pg_restore")
    if tool is None:
        raise BackupError(
            "pg_restore is not installed here; restore PostgreSQL backups on the server "
            "(see docs/backups.md). Nothing was restored."
        )
    safety = create_backup(url, "before-restore", keep=max(backups_to_keep(keep), len(list_backups(url)) + 1))
    run = subprocess.run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            libpq_url(url),
            str(info.path),
        ],
        capture_output=True,
        text=True,
        env=libpq_env(url),
    )
    if run.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {run.stderr.strip()[:500]}")
    prune(url, keep)
    return safety


def _replace_damaged(path: Path, backup: Path, aside: Path) -> Path:
    """Move the damaged ``path`` (with its -wal and -shm) into ``aside`` and put a copy of
    ``backup`` in its place; returns where the damaged file went."""
    private_folder(aside)
    need_room(path.parent, backup.stat().st_size + BACKUP_MARGIN, f"restoring {backup.name}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".restoring", dir=path.parent)
    os.close(fd)
    try:
        _sqlite_copy(backup, Path(tmp))
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        moved = aside / f"{path.stem}.{stamp}.damaged{path.suffix}"
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                os.replace(side, moved.with_name(moved.name + extra))
        shutil.copy2(path, moved)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return moved


# --------------------------------------------------------------------------- PostgreSQL tools


def pg_tool(name: str) -> str | None:
    """``pg_dump``/``pg_restore`` on PATH or in Debian's /usr/lib/postgresql/*/bin (newest)."""
    found = shutil.which(name)
    if found:
        return found

    def major(p: str) -> int:
        m = re.search(r"/(\d+)/bin/", p)
        return int(m.group(1)) if m else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    return candidates[-1] if candidates else None


def libpq_url(url: URL) -> str:
    """The URL as libpq tools read it (no SQLAlchemy driver name, no password: that goes
    in :func:`libpq_env`, so it never shows in the process list)."""
    return url.set(drivername="postgresql")._replace(password=None).render_as_string(hide_password=False)


def libpq_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_dump(url: URL, target: Path) -> bool:
    """Dump into ``target``; False when this computer's pg_dump is older than the server
    (it cannot dump it: the server's own backups are then what protects the data)."""
    tool = pg_tool("pg_dump")
    if tool is None:
        return False
    run = subprocess.run(
        [tool, "--format=custom", "--no-owner", "--file", str(target), "--dbname", libpq_url(url)],
        capture_output=True,
        text=True,
        env=libpq_env(url),
    )
    if run.returncode != 0:
        if "version mismatch" in run.stderr:
            return False
        raise BackupError(f"pg_dump failed: {run.stderr.strip()[:500]}")
    return True
