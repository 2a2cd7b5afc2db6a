"""Backups of a workspace's database: list, make, restore (see ``exchange_app.storage.backup``).

Automatic backups are made before a migration (storage hook), before a solve that stores a
new schedule version, and before a restore. Restoring refuses while another app holds the
SQLite file (the workspace's own app passes ``lock_held=True``).
"""

from __future__ import annotations

from dataclasses import dataclass

from exchange_app.errors import ExchangeError
from exchange_app.storage import backup as store
from exchange_app.storage.backup import BackupError, BackupInfo, backups_to_keep
from exchange_app.storage.migrate import upgrade

__all__ = [
    "BackupError",
    "BackupInfo",
    "RestoreResult",
    "back_up",
    "backups_to_keep",
    "list_backups",
    "backup_folder",
    "restore",
    "pg_dump_available",
]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored: BackupInfo
    safety: BackupInfo | None  # the state just before the restore (None: could not be made)
    summary: str


def list_backups(ws) -> list[BackupInfo]:
    """The workspace's backups, newest first."""
    return store.list_backups(ws.engine.url)


def backup_folder(ws):
    return store.backup_folder(ws.engine.url)


def pg_dump_available() -> bool:
    return store.pg_tool("pg_dump") is not None


def back_up(ws, reason: str = "manual", keep: int | None = None) -> BackupInfo | None:
    """Back up the workspace's database now (None: a PostgreSQL database without pg_dump)."""
    return store.create_backup(ws.engine.url, reason, keep)


def restore(ws, backup: str, *, lock_held: bool = False, keep: int | None = None) -> RestoreResult:
    """Restore ``backup`` (file name, path or ``latest``) into the workspace's database.

    The current state is backed up first. Afterwards the workspace's connections are
    renewed and the database migrated to the current schema. Unless ``lock_held`` (the
    caller is the app that holds the lock), an SQLite file open in an app is refused.
    """
    from exchange_app.storage.lock import DatabaseLock

    info = store.find_backup(ws.engine.url, backup)
    lock = None
    if ws.path is not None and not lock_held:
        lock = DatabaseLock.acquire(ws.path)  # LockedError when an app has it open
    try:
        ws.engine.dispose()
        safety = store.restore_backup(ws.engine.url, info.path, keep)
        ws.engine.dispose()
        try:
            upgrade(ws.engine)
        except Exception as e:  # pragma: no cover - a backup from a newer app version
            raise ExchangeError(f"Restored {info.name}, but it could not be brought up to date: {e}") from e
    finally:
        if lock is not None:
            lock.release()
    when = info.created_at.strftime("%Y-%m-%d %H:%M UTC")
    summary = f"Restored {info.name} (made {when}, {info.reason})."
    if safety is not None:
        summary += f" The state before the restore is in {safety.name}."
    return RestoreResult(info, safety, summary)
