"""Backups of a workspace's database: list, make, restore (see ``exchange_app.storage.backup``).

Automatic backups are made before a migration (storage hook), before a solve that stores a
new schedule version, and before a restore. Restoring refuses while another app holds the
SQLite file (the workspace's own app passes ``lock_held=True``).

A damaged SQLite file is never backed up (so it never rotates a good backup out): backing
it up raises :class:`~exchange_app.errors.DamagedDatabaseError` naming the newest good
backup, and :func:`restore_database` restores one without opening the damaged file (which
is moved to ``backups/damaged/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from exchange_app.errors import BackupError, ExchangeError
from exchange_app.storage import backup as store
from exchange_app.storage.backup import BackupInfo, backups_to_keep
from exchange_app.storage.engine import database_url, make_engine, sqlite_path
from exchange_app.storage.errors import translated
from exchange_app.storage.migrate import upgrade

if TYPE_CHECKING:
    from exchange_app.services.workspace import Workspace

__all__ = [
    "BackupError",
    "BackupInfo",
    "RestoreResult",
    "back_up",
    "backups_to_keep",
    "list_backups",
    "backup_folder",
    "good_backups",
    "restore",
    "restore_database",
    "pg_dump_available",
]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored: BackupInfo
    safety: BackupInfo | None  # the state just before the restore (None: could not be made, or damaged)
    summary: str


def _url(db: Workspace | str | os.PathLike[str] | URL | None) -> URL:
    if isinstance(db, URL):
        return db
    if db is None or isinstance(db, str | os.PathLike):
        return database_url(db)
    return db.engine.url


def list_backups(db: Workspace | str | os.PathLike[str] | URL | None) -> list[BackupInfo]:
    """The backups of a workspace (or of a database given by path or URL), newest first.
    Needs no open workspace, so it works on a damaged file too."""
    return store.list_backups(_url(db))


def good_backups(db: Workspace | str | os.PathLike[str] | URL | None, limit: int = 4) -> list[BackupInfo]:
    """Up to ``limit`` sound backups (``PRAGMA quick_check``), newest first (SQLite)."""
    return store.good_backups(_url(db), limit)


def backup_folder(db: Workspace | str | os.PathLike[str] | URL | None) -> Path:
    return store.backup_folder(_url(db))


def pg_dump_available() -> bool:
    return store.pg_tool("pg_dump") is not None


def back_up(ws: Workspace, reason: str = "manual", keep: int | None = None) -> BackupInfo | None:
    """Back up the workspace's database now (None: a PostgreSQL database without pg_dump).
    A damaged SQLite file is refused (DamagedDatabaseError, naming the newest good backup)."""
    return store.create_backup(ws.engine.url, reason, keep, engine=ws.engine)


def restore(ws: Workspace, backup: str, *, lock_held: bool = False, keep: int | None = None) -> RestoreResult:
    """Restore ``backup`` (file name, path or ``latest``) into the workspace's database.

    The current state is backed up first. Afterwards the workspace's connections are
    renewed and the database migrated to the current schema. Unless ``lock_held`` (the
    caller is the app that holds the lock), an SQLite file open in an app is refused.
    """
    ws.engine.dispose()
    result = restore_database(ws.engine.url, backup, lock_held=lock_held, keep=keep)
    ws.engine.dispose()
    return result


def restore_database(
    db: str | os.PathLike[str] | URL | None, backup: str, *, lock_held: bool = False, keep: int | None = None
) -> RestoreResult:
    """Restore ``backup`` into the database ``db`` without opening it first (so a damaged
    file can be restored). A damaged file is moved to ``backups/damaged/`` instead of
    being backed up; a sound one is backed up first (``before-restore``)."""
    from exchange_app.storage.lock import DatabaseLock

    engine = make_engine(_url(db))  # a PostgreSQL password from the keyring is in its URL
    url = engine.url
    info = store.find_backup(url, backup)
    path = sqlite_path(url)
    lock = None
    if path is not None and not lock_held:
        lock = DatabaseLock.acquire(path)  # LockedError when an app has it open
    try:
        with translated(url):
            safety = store.restore_backup(url, info.path, keep)
        try:
            with translated(url):
                upgrade(engine)
        except ExchangeError as e:
            raise ExchangeError(f"Restored {info.name}, but it could not be brought up to date: {e}") from e
        finally:
            engine.dispose()
    finally:
        if lock is not None:
            lock.release()
    when = info.created_at.strftime("%Y-%m-%d %H:%M UTC")
    summary = f"Restored {info.name} (made {when}, {info.reason})."
    if safety is not None:
        summary += f" The state before the restore is in {safety.name}."
    elif path is not None:
        summary += f" The damaged file was moved to {store.backup_folder(url) / store.DAMAGED_FOLDER}."
    return RestoreResult(info, safety, summary)
