"""Engines for a database given as a file path or a URL.

``--db programs.db`` and ``--db sqlite:///programs.db`` open an SQLite file;
``--db postgresql://user@server/db`` opens a PostgreSQL database through psycopg 3.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from exchange_app.errors import InputError, Problem

APP_NAME = "exchange-scheduler"
DEFAULT_FILE = "programs.db"
SQLITE_BUSY_TIMEOUT_MS = 5000


def data_dir() -> Path:
    """The per-user folder for the app's databases (``platformdirs.user_data_dir``)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_database_path() -> Path:
    return data_dir() / DEFAULT_FILE


def database_url(db: str | os.PathLike | None) -> URL:
    """The SQLAlchemy URL for ``db``: a file path, an ``sqlite:///`` or ``postgresql://`` URL.

    ``None`` means the default file in the user data folder. ``postgresql://`` and
    ``postgres://`` get the psycopg 3 driver.
    """
    if db is None:
        db = default_database_path()
    text = os.fspath(db)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = make_url(text)
    except Exception as e:  # sqlalchemy.exc.ArgumentError and friends
        raise InputError(text, [Problem("--db", None, f"is not a database file or URL ({e})")]) from e
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise InputError(
        text,
        [
            Problem(
                "--db", None, f"unsupported database {backend!r}; use an SQLite file or a postgresql:// URL"
            )
        ],
    )


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def make_engine(db: str | os.PathLike | None) -> Engine:
    """An engine for ``db``; SQLite gets its folder created and its pragmas on every connect."""
    url = database_url(db)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on, write-ahead log, wait for a busy writer instead of failing at once."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
