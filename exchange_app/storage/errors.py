"""Database and driver errors in words: the one place that turns SQLAlchemy, sqlite3,
psycopg and disk errors into :class:`~exchange_app.errors.StorageError` subclasses.

The services wrap every call in :func:`translated`; front ends (CLI, window) then only
catch :class:`~exchange_app.errors.ExchangeError`. Messages name the file (or the server,
never with its password) and say what to do.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy.exc
from sqlalchemy.engine import URL

from exchange_app.errors import (
    DamagedDatabaseError,
    DiskFullError,
    ExchangeError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    ServerUnavailableError,
    StorageError,
)

try:  # psycopg is a dependency, but the translation must not need it to import
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None  # type: ignore[assignment]

DAMAGED = ("malformed", "file is not a database", "database disk image", "corrupt")
NOT_ANSWERING = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "timed out",
    "no route to host",
    "could not translate host name",
    "name or service not known",
    "server closed the connection",
    "connection is bad",
    "terminating connection",
    "consuming input failed",
    "no such file or directory",  # a unix socket that is not there
)


def label(url: URL) -> str:
    """What to call the database in a message: the file path, or the URL without password."""
    from exchange_app.storage.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return url.render_as_string(hide_password=True)


def mask(text: str, url: URL | None) -> str:
    """``text`` with the URL's password (if any) replaced by ``***``."""
    if url is not None and url.password:
        text = text.replace(str(url.password), "***")
    return text


def first_line(e: BaseException) -> str:
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip()
    return text.splitlines()[0].strip() if text else type(e).__name__


def free_bytes(folder: Path) -> int | None:
    """Free space in ``folder`` (or its nearest existing parent) in bytes; None if unknown."""
    for p in (folder, *folder.parents):
        if p.exists():
            try:
                return shutil.disk_usage(p).free
            except OSError:
                return None
    return None


def size_text(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def damaged_error(path: Path, detail: str) -> DamagedDatabaseError:
    """The error for a damaged SQLite file, naming the newest sound backup to restore."""
    from exchange_app.storage.backup import good_backups

    good = good_backups(path)
    head = f"{path} is damaged ({detail}). Nothing was changed."
    if good:
        newest = good[0]
        when = newest.created_at.strftime("%Y-%m-%d %H:%M UTC")
        tail = (
            f" Newest good backup: {newest.name} (made {when}, {newest.reason}). Restore it with: "
            f"exchange-app --db {path} restore {newest.name}"
        )
        others = [i.name for i in good[1:4]]
        if others:
            tail += f" (other good backups: {', '.join(others)})"
    else:
        tail = f" There is no sound backup of it in {path.parent / 'backups'}; restore a copy you keep elsewhere."
    return DamagedDatabaseError(head + tail, str(path), tuple(str(i.path) for i in good))


def not_ours_error(path: Path, detail: str) -> NotADatabaseError:
    return NotADatabaseError(
        f"{path} is not an Exchange Scheduler database ({detail}); it was left unchanged. "
        "Choose another file, or a new file name to start a new database.",
        str(path),
    )


def _server(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _sqlite(text: str, path: Path | None, url: URL, e: BaseException) -> StorageError | None:
    low = text.lower()
    where = str(path) if path is not None else label(url)
    if any(k in low for k in DAMAGED):
        if path is not None:
            from exchange_app.storage.backup import list_backups

            if "file is not a database" in low and not list_backups(url):
                return not_ours_error(path, "not an SQLite database file")
            return damaged_error(path, text)
        return DamagedDatabaseError(f"{where} is damaged ({text}).", where)
    if "readonly" in low or "read-only" in low:
        return ReadOnlyDatabaseError(
            f"{where} is read-only (file, folder or disk): it can be read but not changed. "
            "Copy it to a writable folder to change it. Nothing was changed.",
            where,
        )
    if "disk is full" in low or "disk full" in low:
        return disk_full_error(path.parent if path is not None else None, where)
    if "database is locked" in low or "database is busy" in low:
        return StorageError(
            f"{where} is busy: another program has been writing it for a while. Try again in a moment; "
            "nothing was changed.",
            where,
        )
    if "unable to open database file" in low:
        return StorageError(
            f"Cannot open {where}: its folder does not exist or cannot be written. Choose another place.",
            where,
        )
    return None


def _postgres(text: str, url: URL) -> StorageError:
    low = text.lower()
    where = label(url)
    server = _server(url)
    if "password authentication failed" in low or "no password supplied" in low:
        return ServerUnavailableError(
            f"The server at {server} refused the login of user {url.username or '(default)'}: wrong or "
            "missing password. Give it in ~/.pgpass, the system keyring (exchange-app password --db URL) "
            "or when asked, rather than in the URL.",
            where,
        )
    if "does not exist" in low and "database" in low:
        return ServerUnavailableError(
            f"The server at {server} has no database named {url.database!r}; check the URL, or create it "
            "(createdb) first.",
            where,
        )
    if "role" in low and "does not exist" in low:
        return ServerUnavailableError(
            f"The server at {server} has no user {url.username!r}; check the URL.", where
        )
    if "pg_hba.conf" in low:
        return ServerUnavailableError(
            f"The server at {server} does not let this computer in (pg_hba.conf); ask its administrator.",
            where,
        )
    if any(k in low for k in NOT_ANSWERING):
        return ServerUnavailableError(
            f"The server at {server} does not answer: is PostgreSQL running there, and are the host and "
            "port right? Nothing was changed.",
            where,
        )
    if "no space left" in low or "disk full" in low:
        return DiskFullError(f"The server at {server} has no disk space left; nothing was changed.", where)
    if "read-only" in low:
        return ReadOnlyDatabaseError(
            f"The database at {server} is read-only (a standby server?); nothing was changed.", where
        )
    return StorageError(f"The database at {where} refused the change: {mask(text, url)}", where)


def disk_full_error(folder: Path | None, where: str) -> DiskFullError:
    free = free_bytes(folder) if folder is not None else None
    room = f" ({size_text(free)} free)" if free is not None else ""
    return DiskFullError(
        f"The disk holding {where} is full{room}. Free some space and try again; nothing was changed.", where
    )


def translate(e: BaseException, url: URL) -> ExchangeError | None:
    """The project's error for a driver or disk error ``e`` on the database at ``url``
    (None: not a storage error; let it through)."""
    from exchange_app.storage.engine import sqlite_path

    if isinstance(e, ExchangeError):
        return None
    path = sqlite_path(url)
    if isinstance(e, OSError) and not isinstance(e, sqlite3.Error):
        folder = Path(e.filename).parent if isinstance(e.filename, str) else (path.parent if path else None)
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full_error(folder, str(path) if path else label(url))
        if e.errno == errno.EROFS:
            where = str(e.filename or path or label(url))
            return ReadOnlyDatabaseError(
                f"{where} is on a read-only disk; nothing was changed. Copy the database to a writable "
                "folder to change it.",
                where,
            )
        return None
    driver: BaseException = e
    if isinstance(e, sqlalchemy.exc.DBAPIError) and e.orig is not None:
        driver = e.orig
    elif not isinstance(e, sqlalchemy.exc.SQLAlchemyError | sqlite3.Error) and not (
        psycopg is not None and isinstance(e, psycopg.Error)
    ):
        return None
    text = mask(first_line(driver), url)
    if url.get_backend_name() == "sqlite" or isinstance(driver, sqlite3.Error):
        found = _sqlite(text, path, url, e)
        if found is not None:
            return found
        where = str(path) if path is not None else label(url)
        return StorageError(f"{where}: the database refused the change ({text}); nothing was changed.", where)
    return _postgres(text, url)


@contextlib.contextmanager
def translated(url: URL) -> Iterator[None]:
    """Raise the project's error in place of a driver or disk error (see :func:`translate`)."""
    try:
        yield
    except Exception as e:
        mine = translate(e, url)
        if mine is None:
            raise
        raise mine from e
